// Test helpers for the Vulkan suite.
#include "vulkan_test_support.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <unistd.h>

namespace confidant::vktest {

Gpu& Gpu::instance() {
    static Gpu gpu = [] {
        Gpu g;
        auto device = Device::create(-1);
        if (!device) {
            g.error = device.error().message;
            return g;
        }
        g.device = std::move(*device);
        auto library = PipelineLibrary::create(*g.device);
        if (!library) {
            g.error = library.error().message;
            return g;
        }
        g.library = std::move(*library);
        const std::vector<TensorType> types = deviceMatrixTypes();
        auto kernels = Kernels::create(*g.library, KernelConfig::forDevice(*g.device), {types.begin(), types.end()});
        if (!kernels) {
            g.error = kernels.error().message;
            return g;
        }
        g.kernels = std::move(*kernels);
        auto transfer = Transfer::create(*g.device);
        if (!transfer) {
            g.error = transfer.error().message;
            return g;
        }
        g.transfer = std::move(*transfer);
        return g;
    }();
    return gpu;
}

std::vector<float> randomFloats(size_t count, std::mt19937& random, float scale) {
    std::uniform_real_distribution<float> uniform(-scale, scale);
    std::vector<float> values(count);
    for (float& v : values) v = uniform(random);
    return values;
}

namespace {

// Random bytes for every quant and sub-scale of the other block types, with each block's float
// scales set so that its weights stay within about [-1.5 scale, 1.5 scale].
void randomBlocks(TensorType type, size_t count, std::mt19937& random, float scale, std::vector<uint8_t>& out) {
    std::uniform_real_distribution<float> magnitude(0.5f * scale, 1.5f * scale);
    std::uniform_int_distribution<int> byte(0, 255);
    for (uint8_t& b : out) b = uint8_t(byte(random));
    const TensorTypeTraits& traits = traitsOf(type);
    for (size_t b = 0; b < count / traits.blockSize; ++b) {
        uint8_t* block = out.data() + b * traits.blockBytes;
        auto setHalf = [&](size_t at, float value) {
            const uint16_t h = fp32ToFp16(value);
            std::memcpy(block + at, &h, 2);
        };
        switch (type) {
            case TensorType::BF16:
                for (size_t i = 0; i < traits.blockSize; ++i) {
                    const uint16_t h = fp32ToBf16(std::uniform_real_distribution<float>(-scale, scale)(random));
                    std::memcpy(block + 2 * i, &h, 2);
                }
                break;
            case TensorType::Q4_1:
                setHalf(0, magnitude(random) / 8.0f);
                setHalf(2, -magnitude(random));
                break;
            case TensorType::Q5_0:
                setHalf(0, magnitude(random) / 16.0f);
                break;
            case TensorType::Q5_1:
                setHalf(0, magnitude(random) / 16.0f);
                setHalf(2, -magnitude(random));
                break;
            case TensorType::IQ4_NL:
                setHalf(0, magnitude(random) / 127.0f);
                break;
            case TensorType::Q2_K:
                setHalf(80, magnitude(random) / (15.0f * 3.0f));
                setHalf(82, magnitude(random) / 15.0f);
                break;
            case TensorType::Q3_K:
                setHalf(108, magnitude(random) / (32.0f * 4.0f));
                break;
            case TensorType::Q5_K:
                setHalf(0, magnitude(random) / (63.0f * 31.0f));
                setHalf(2, magnitude(random) / 63.0f);
                break;
            case TensorType::Q8_K: {
                const float d = magnitude(random) / 127.0f;
                std::memcpy(block, &d, 4);
                break;
            }
            default: ADD_FAILURE() << "no random data for " << tensorTypeName(type); return;
        }
    }
}

}  // namespace

std::vector<uint8_t> randomTensorBytes(TensorType type, size_t count, std::mt19937& random, float scale) {
    std::uniform_real_distribution<float> uniform(-scale, scale);
    std::uniform_real_distribution<float> magnitude(0.5f * scale, 1.5f * scale);
    std::uniform_int_distribution<int> byte(0, 255);
    std::vector<uint8_t> out(rowBytes(type, count));
    switch (type) {
        case TensorType::F32:
            for (size_t i = 0; i < count; ++i) {
                const float v = uniform(random);
                std::memcpy(out.data() + i * 4, &v, 4);
            }
            break;
        case TensorType::F16:
            for (size_t i = 0; i < count; ++i) {
                const uint16_t h = fp32ToFp16(uniform(random));
                std::memcpy(out.data() + i * 2, &h, 2);
            }
            break;
        case TensorType::Q4_0:
        case TensorType::Q8_0: {
            const size_t blockBytes = traitsOf(type).blockBytes;
            const float divisor = type == TensorType::Q4_0 ? 8.0f : 127.0f;
            for (size_t b = 0; b < count / 32; ++b) {
                const uint16_t d = fp32ToFp16(magnitude(random) / divisor);
                std::memcpy(out.data() + b * blockBytes, &d, 2);
                for (size_t j = 2; j < blockBytes; ++j) out[b * blockBytes + j] = uint8_t(byte(random));
            }
            break;
        }
        case TensorType::Q6_K: {
            // Random 6-bit quants and int8 sub-scales; d at the end of each 210-byte block.
            for (size_t b = 0; b < count / 256; ++b) {
                for (size_t j = 0; j < 208; ++j) out[b * 210 + j] = uint8_t(byte(random));
                const uint16_t d = fp32ToFp16(magnitude(random) / (128.0f * 32.0f));
                std::memcpy(out.data() + b * 210 + 208, &d, 2);
            }
            break;
        }
        case TensorType::Q4_K: {
            // d, dmin, then random packed 6-bit scales/mins and nibbles.
            for (size_t b = 0; b < count / 256; ++b) {
                const uint16_t d = fp32ToFp16(magnitude(random) / (63.0f * 15.0f));
                const uint16_t dmin = fp32ToFp16(magnitude(random) / 63.0f);
                std::memcpy(out.data() + b * 144, &d, 2);
                std::memcpy(out.data() + b * 144 + 2, &dmin, 2);
                for (size_t j = 4; j < 144; ++j) out[b * 144 + j] = uint8_t(byte(random));
            }
            break;
        }
        default: randomBlocks(type, count, random, scale, out); break;
    }
    return out;
}

void TensorSet::add(const std::string& name, TensorType type, std::vector<uint64_t> dims, std::vector<uint8_t> bytes) {
    m_writer.addTensor(name, type, std::move(dims), std::move(bytes));
}

void TensorSet::addRandom(const std::string& name, TensorType type, uint32_t rowLength, uint32_t rows,
                          std::mt19937& random, float scale) {
    add(name, type, {rowLength, rows}, randomTensorBytes(type, size_t(rowLength) * rows, random, scale));
}

void TensorSet::finish() {
    m_bytes = m_writer.toBytes();
    auto file = GgufFile::fromMemory(m_bytes.data(), m_bytes.size(), "test tensors");
    ASSERT_TRUE(file) << file.error().message;
    m_file = *file;
}

const GgufTensorInfo* TensorSet::operator[](const std::string& name) const { return m_file->findTensor(name); }

Result<std::shared_ptr<const Model>> loadTinyTestModel(TestModelOptions options, const std::string& vocabPath,
                                                       const std::string& label) {
    const std::filesystem::path path = std::filesystem::temp_directory_path() /
                                       ("confidant-vk-" + std::to_string(::getpid()) + "-" + label + ".gguf");
    options.shape = TestShape::Tiny;
    options.vocabPath = vocabPath;
    options.threads = 1;
    if (auto written = writeTestModel(options, path.string()); !written) return written.error();
    auto model = Model::load(path.string());
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return model;
}

double nmse(std::span<const float> expected, std::span<const float> actual) {
    double error = 0, reference = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
        error += (double(actual[i]) - expected[i]) * (double(actual[i]) - expected[i]);
        reference += double(expected[i]) * expected[i];
    }
    return reference > 0 ? error / reference : error;
}

std::string scientific(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2e", value);
    return text;
}

bool allFinite(std::span<const float> values) {
    for (float v : values)
        if (!std::isfinite(v)) return false;
    return true;
}

Harness::Harness(uint32_t layers, uint32_t contextLength, uint32_t kvDim, uint64_t maxChunkBytes)
    : m_weights(*Gpu::instance().device, maxChunkBytes) {
    auto cache = KvCache::create(*gpu().device, layers, contextLength, kvDim);
    EXPECT_TRUE(cache) << cache.error().message;
    if (cache) m_cache = std::move(*cache);
}

std::unique_ptr<GraphExecutor> Harness::build(const Graph& graph) {
    const ExecutorResources resources{*gpu().device, *gpu().kernels, *gpu().library, m_weights, m_cache, m_rope,
                                      *gpu().transfer, k_guardWords};
    auto executor = GraphExecutor::create(resources, graph);
    EXPECT_TRUE(executor) << executor.error().message;
    if (!executor) return nullptr;
    for (size_t id = 0; id < graph.activations.size(); ++id) {
        const ActivationDesc& a = graph.activations[id];
        upload(**executor, ActivationId(id), std::vector<float>(size_t(a.rows) * a.cols, 0.0f));
    }
    return std::move(*executor);
}

void Harness::upload(const GraphExecutor& executor, ActivationId id, std::span<const float> values) {
    std::vector<uint32_t> words(values.size() + k_guardWords, k_guardPattern);
    std::memcpy(words.data(), values.data(), values.size_bytes());
    auto uploaded = gpu().transfer->upload(executor.activation(id),
                                           {reinterpret_cast<const uint8_t*>(words.data()), words.size() * 4});
    EXPECT_TRUE(uploaded) << uploaded.error().message;
}

std::vector<float> Harness::download(const GraphExecutor& executor, const Graph& graph, ActivationId id) {
    const ActivationDesc& a = graph.activations[size_t(id)];
    std::vector<float> values(size_t(a.rows) * a.cols);
    auto downloaded = gpu().transfer->download(executor.activation(id),
                                               {reinterpret_cast<uint8_t*>(values.data()), values.size() * 4});
    EXPECT_TRUE(downloaded) << downloaded.error().message;
    return values;
}

bool Harness::guardIntact(const GraphExecutor& executor, const Graph& graph, ActivationId id) {
    const ActivationDesc& a = graph.activations[size_t(id)];
    std::vector<uint32_t> words(k_guardWords);
    auto downloaded = gpu().transfer->download(executor.activation(id),
                                               {reinterpret_cast<uint8_t*>(words.data()), words.size() * 4},
                                               uint64_t(a.rows) * a.cols * 4);
    EXPECT_TRUE(downloaded) << downloaded.error().message;
    for (uint32_t w : words)
        if (w != k_guardPattern) return false;
    return true;
}

}  // namespace confidant::vktest
