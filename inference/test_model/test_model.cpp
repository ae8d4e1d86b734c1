// The test-model generator: shapes, tensor plans, llama.cpp's type mix, deterministic weights, and
// streaming them into a GGUF file.
#include "test_model/test_model.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <numbers>
#include <thread>

#include "gguf_file.h"
#include "gguf_writer.h"
#include "test_model/gguf_stream_writer.h"

namespace confidant::inference {
namespace {

constexpr uint64_t k_chunkBytes = 32ull << 20;  // output bytes generated per parallel step

// SplitMix64: a tiny, well-mixed generator whose output is the same on every platform.
uint64_t splitMix(uint64_t& state) {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t hashName(std::string_view name) {
    uint64_t h = 0xCBF29CE484222325ull;  // FNV-1a
    for (char c : name) h = (h ^ uint8_t(c)) * 0x100000001B3ull;
    return h;
}

// An approximately standard normal value from the sum of eight 16-bit uniforms (Irwin–Hall),
// computed in integers and doubles so that every platform gets the same floats.
float nextGaussian(uint64_t& state) {
    uint64_t sum = 0;
    for (int draw = 0; draw < 2; ++draw) {
        const uint64_t r = splitMix(state);
        for (int k = 0; k < 4; ++k) sum += (r >> (16 * k)) & 0xFFFF;
    }
    constexpr double mean = 8 * 65535.0 / 2;
    const double stddev = std::sqrt(8 * (65536.0 * 65536.0 - 1) / 12);
    return float((double(sum) - mean) / stddev);
}

enum class Fill { Matrix, Bias, Norm, RopeFactors };

struct TensorPlanEntry {
    PlannedTensor tensor;
    Fill fill = Fill::Matrix;
};

// Rows that cannot hold whole blocks of the chosen type fall back as llama.cpp's do.
TensorType fallBackForRowLength(TensorType type, uint64_t rowLength) {
    if (rowLength % traitsOf(type).blockSize == 0) return type;
    switch (type) {
        case TensorType::Q2_K:
        case TensorType::Q3_K: type = TensorType::IQ4_NL; break;
        case TensorType::Q4_K: type = TensorType::Q5_0; break;
        case TensorType::Q5_K: type = TensorType::Q5_1; break;
        case TensorType::Q6_K: type = TensorType::Q8_0; break;
        default: break;
    }
    return rowLength % traitsOf(type).blockSize == 0 ? type : TensorType::F16;
}

// llama.cpp's `enum llama_ftype` value for a file whose matrices are all of one type.
uint32_t pureFileTypeId(TensorType type) {
    switch (type) {
        case TensorType::F32: return 0;
        case TensorType::F16: return 1;
        case TensorType::Q4_0: return 2;
        case TensorType::Q4_1: return 3;
        case TensorType::Q8_0: return 7;
        case TensorType::Q5_0: return 8;
        case TensorType::Q5_1: return 9;
        case TensorType::Q2_K: return 10;
        case TensorType::Q3_K: return 11;  // Q3_K_S
        case TensorType::Q4_K: return 14;  // Q4_K_S
        case TensorType::Q5_K: return 16;  // Q5_K_S
        case TensorType::Q6_K: return 18;
        case TensorType::IQ4_NL: return 25;
        case TensorType::BF16: return 32;
        default: return 0;
    }
}

bool useMoreBits(uint32_t layer, uint32_t layerCount) {
    return layer < layerCount / 8 || layer >= 7 * layerCount / 8 || (layer - layerCount / 8) % 3 == 2;
}

TensorType baseType(TestFileType fileType) {
    switch (fileType) {
        case TestFileType::F32: return TensorType::F32;
        case TestFileType::F16: return TensorType::F16;
        case TestFileType::Q8_0: return TensorType::Q8_0;
        case TestFileType::Q4_0: return TensorType::Q4_0;
        case TestFileType::Q4_K_M: return TensorType::Q4_K;
        case TestFileType::Q5_K_M: return TensorType::Q5_K;
        case TestFileType::Q6_K: return TensorType::Q6_K;
    }
    return TensorType::F32;
}

// Llama 3.1's frequency divisors for RoPE (the rope_freqs tensor): long wavelengths are slowed by
// `factor`, short ones kept, and the band between blended (low 1, high 4, original context 8192).
std::vector<float> llama3RopeFactors(uint32_t headDim, float freqBase, float factor) {
    constexpr double lowFreqFactor = 1.0, highFreqFactor = 4.0, originalContext = 8192.0;
    const double lowFreqWavelength = originalContext / lowFreqFactor;
    const double highFreqWavelength = originalContext / highFreqFactor;
    std::vector<float> factors(headDim / 2);
    for (uint32_t i = 0; i < headDim / 2; ++i) {
        const double frequency = 1.0 / std::pow(double(freqBase), 2.0 * i / headDim);
        const double wavelength = 2 * std::numbers::pi / frequency;
        if (wavelength < highFreqWavelength) {
            factors[i] = 1.0f;
        } else if (wavelength > lowFreqWavelength) {
            factors[i] = factor;
        } else {
            const double smooth = (originalContext / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
            factors[i] = float(1.0 / ((1 - smooth) / factor + smooth));
        }
    }
    return factors;
}

std::vector<TensorPlanEntry> planEntries(TestArch arch, const TestModelShape& s, TestFileType fileType,
                                         uint32_t vocabSize, std::optional<TensorType> pureType) {
    const uint64_t d = s.embeddingLength, f = s.feedForwardLength, v = vocabSize;
    const uint64_t headDim = s.embeddingLength / s.headCount;
    const uint64_t qDim = headDim * s.headCount, kvDim = headDim * s.headCountKv;
    std::vector<TensorPlanEntry> out;
    auto add = [&](std::string name, std::vector<uint64_t> dims, Fill fill, uint32_t layer, bool isOutput) {
        const TensorType type = pureType ? choosePureTensorType(dims, *pureType)
                                         : chooseTestTensorType(name, dims, fileType, layer, s.blockCount, isOutput);
        out.push_back({PlannedTensor{std::move(name), type, std::move(dims)}, fill});
    };
    if (s.llama3RopeFactor > 0 && arch == TestArch::Llama) add("rope_freqs.weight", {headDim / 2}, Fill::RopeFactors, 0, false);
    add("token_embd.weight", {d, v}, Fill::Matrix, 0, s.tiedOutput);
    for (uint32_t i = 0; i < s.blockCount; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        add(p + "attn_norm.weight", {d}, Fill::Norm, i, false);
        if (arch == TestArch::Phi3) {
            add(p + "attn_qkv.weight", {d, qDim + 2 * kvDim}, Fill::Matrix, i, false);
        } else {
            add(p + "attn_q.weight", {d, qDim}, Fill::Matrix, i, false);
            add(p + "attn_k.weight", {d, kvDim}, Fill::Matrix, i, false);
            add(p + "attn_v.weight", {d, kvDim}, Fill::Matrix, i, false);
            if (arch == TestArch::Qwen2) {
                add(p + "attn_q.bias", {qDim}, Fill::Bias, i, false);
                add(p + "attn_k.bias", {kvDim}, Fill::Bias, i, false);
                add(p + "attn_v.bias", {kvDim}, Fill::Bias, i, false);
            }
        }
        if (arch == TestArch::Qwen3) {
            add(p + "attn_q_norm.weight", {headDim}, Fill::Norm, i, false);
            add(p + "attn_k_norm.weight", {headDim}, Fill::Norm, i, false);
        }
        add(p + "attn_output.weight", {qDim, d}, Fill::Matrix, i, false);
        add(p + "ffn_norm.weight", {d}, Fill::Norm, i, false);
        if (arch == TestArch::Phi3) {
            add(p + "ffn_up.weight", {d, 2 * f}, Fill::Matrix, i, false);  // gate and up, fused
        } else {
            add(p + "ffn_gate.weight", {d, f}, Fill::Matrix, i, false);
            add(p + "ffn_up.weight", {d, f}, Fill::Matrix, i, false);
        }
        add(p + "ffn_down.weight", {f, d}, Fill::Matrix, i, false);
    }
    add("output_norm.weight", {d}, Fill::Norm, 0, false);
    if (!s.tiedOutput) add("output.weight", {d, v}, Fill::Matrix, 0, true);
    return out;
}

// Fills rows [rowBegin, rowEnd) of a tensor as fp32 and converts them to its type in `out`.
void generateRows(const TensorPlanEntry& entry, uint64_t tensorSeed, const std::vector<float>& ropeFactors,
                  uint64_t rowBegin, uint64_t rowEnd, uint8_t* out) {
    const PlannedTensor& t = entry.tensor;
    const size_t rowLength = size_t(t.dims[0]);
    const size_t bytesPerRow = rowBytes(t.type, rowLength);
    const auto& traits = traitsOf(t.type);
    std::vector<float> row(rowLength);
    for (uint64_t r = rowBegin; r < rowEnd; ++r) {
        // Each row has its own stream, so that the result does not depend on how rows are split.
        uint64_t state = tensorSeed ^ (r * 0xD1B54A32D192ED03ull);
        switch (entry.fill) {
            case Fill::Matrix:
            case Fill::Bias:
                // std 0.02 (as GPT-2 and Llama initialize): logits and activations stay moderate.
                for (auto& x : row) x = 0.02f * nextGaussian(state);
                break;
            case Fill::Norm:
                // Near 1, but not exactly, so that an engine that ignores norm weights is caught.
                for (auto& x : row) x = 1.0f + 0.05f * nextGaussian(state);
                break;
            case Fill::RopeFactors:
                std::copy(ropeFactors.begin(), ropeFactors.end(), row.begin());
                break;
        }
        traits.quantize(row.data(), out + (r - rowBegin) * bytesPerRow, rowLength);
    }
}

}  // namespace

std::optional<TestArch> parseTestArch(std::string_view name) {
    if (name == "llama") return TestArch::Llama;
    if (name == "qwen2") return TestArch::Qwen2;
    if (name == "phi3") return TestArch::Phi3;
    if (name == "qwen3") return TestArch::Qwen3;
    return std::nullopt;
}

std::optional<TestShape> parseTestShape(std::string_view name) {
    if (name == "tiny") return TestShape::Tiny;
    if (name == "125m") return TestShape::M125;
    if (name == "1b") return TestShape::B1;
    if (name == "3b") return TestShape::B3;
    if (name == "8b") return TestShape::B8;
    return std::nullopt;
}

std::optional<TestFileType> parseTestFileType(std::string_view name) {
    for (TestFileType t : {TestFileType::F32, TestFileType::F16, TestFileType::Q8_0, TestFileType::Q4_0,
                           TestFileType::Q4_K_M, TestFileType::Q5_K_M, TestFileType::Q6_K})
        if (testFileTypeName(t) == name) return t;
    return std::nullopt;
}

std::string_view testArchName(TestArch arch) {
    switch (arch) {
        case TestArch::Llama: return "llama";
        case TestArch::Qwen2: return "qwen2";
        case TestArch::Phi3: return "phi3";
        case TestArch::Qwen3: return "qwen3";
    }
    return "?";
}

std::string_view testShapeName(TestShape shape) {
    switch (shape) {
        case TestShape::Tiny: return "tiny";
        case TestShape::M125: return "125m";
        case TestShape::B1: return "1b";
        case TestShape::B3: return "3b";
        case TestShape::B8: return "8b";
    }
    return "?";
}

std::string_view testFileTypeName(TestFileType type) {
    switch (type) {
        case TestFileType::F32: return "f32";
        case TestFileType::F16: return "f16";
        case TestFileType::Q8_0: return "q8_0";
        case TestFileType::Q4_0: return "q4_0";
        case TestFileType::Q4_K_M: return "q4_k_m";
        case TestFileType::Q5_K_M: return "q5_k_m";
        case TestFileType::Q6_K: return "q6_k";
    }
    return "?";
}

uint32_t llamaFileTypeId(TestFileType type) {
    // llama.cpp's `enum llama_ftype`.
    switch (type) {
        case TestFileType::F32: return 0;
        case TestFileType::F16: return 1;
        case TestFileType::Q4_0: return 2;
        case TestFileType::Q8_0: return 7;
        case TestFileType::Q4_K_M: return 15;
        case TestFileType::Q5_K_M: return 17;
        case TestFileType::Q6_K: return 18;
    }
    return 0;
}

TestModelShape testModelShape(TestArch arch, TestShape shape) {
    TestModelShape s;
    switch (shape) {
        case TestShape::Tiny:
            // The smallest shape whose rows (256 and 512) hold whole K-quant super-blocks.
            s = {.embeddingLength = 256, .blockCount = 2, .headCount = 4, .headCountKv = 2, .feedForwardLength = 512,
                 .contextLength = 2048, .ropeFreqBase = 10000.0f, .tiedOutput = false};
            break;
        case TestShape::M125:
            s = {.embeddingLength = 768, .blockCount = 12, .headCount = 12, .headCountKv = 4, .feedForwardLength = 2048,
                 .contextLength = 2048, .ropeFreqBase = 10000.0f, .tiedOutput = false};
            break;
        case TestShape::B1:  // Llama 3.2 1B
            s = {.embeddingLength = 2048, .blockCount = 16, .headCount = 32, .headCountKv = 8, .feedForwardLength = 8192,
                 .contextLength = 131072, .ropeFreqBase = 500000.0f, .tiedOutput = true, .llama3RopeFactor = 32.0f};
            break;
        case TestShape::B3:  // Llama 3.2 3B
            s = {.embeddingLength = 3072, .blockCount = 28, .headCount = 24, .headCountKv = 8, .feedForwardLength = 8192,
                 .contextLength = 131072, .ropeFreqBase = 500000.0f, .tiedOutput = true, .llama3RopeFactor = 32.0f};
            break;
        case TestShape::B8:  // Llama 3.1 8B
            s = {.embeddingLength = 4096, .blockCount = 32, .headCount = 32, .headCountKv = 8, .feedForwardLength = 14336,
                 .contextLength = 131072, .ropeFreqBase = 500000.0f, .tiedOutput = false, .llama3RopeFactor = 8.0f};
            break;
    }
    if (arch == TestArch::Qwen3 && shape == TestShape::B8) {  // Qwen3 8B
        s = {.embeddingLength = 4096, .blockCount = 36, .headCount = 32, .headCountKv = 8, .feedForwardLength = 12288,
             .contextLength = 40960, .ropeFreqBase = 1000000.0f, .tiedOutput = false};
    }
    if (arch == TestArch::Qwen2 || arch == TestArch::Qwen3) {
        s.ropeFreqBase = 1000000.0f;
        s.rmsEpsilon = 1e-6f;
        s.llama3RopeFactor = 0;
    } else if (arch == TestArch::Phi3) {
        s.ropeFreqBase = 10000.0f;
        s.llama3RopeFactor = 0;
        s.tiedOutput = false;
    }
    return s;
}

TensorType chooseTestTensorType(std::string_view name, const std::vector<uint64_t>& dims, TestFileType fileType,
                                uint32_t layer, uint32_t layerCount, bool isOutput) {
    if (dims.size() < 2) return TensorType::F32;  // norms, biases, rope factors
    TensorType type = baseType(fileType);
    if (fileType == TestFileType::F32 || fileType == TestFileType::F16) return type;
    const uint64_t rowLength = dims[0];
    const bool mixed = fileType == TestFileType::Q4_K_M || fileType == TestFileType::Q5_K_M;
    if (isOutput) {
        if (rowLength % 256 != 0) type = TensorType::Q8_0;
        else if (type != TensorType::Q8_0) type = TensorType::Q6_K;
    } else if (name.find("attn_qkv.weight") != std::string_view::npos) {
        if (fileType == TestFileType::Q4_K_M) type = TensorType::Q5_K;
        else if (fileType == TestFileType::Q5_K_M) type = TensorType::Q6_K;
    } else if (name.find("attn_v.weight") != std::string_view::npos ||
               name.find("ffn_down") != std::string_view::npos) {
        if (mixed && useMoreBits(layer, layerCount)) type = TensorType::Q6_K;
    }
    return fallBackForRowLength(type, rowLength);
}

TensorType choosePureTensorType(const std::vector<uint64_t>& dims, TensorType type) {
    if (dims.size() < 2) return TensorType::F32;
    return fallBackForRowLength(type, dims[0]);
}

bool isPureTestType(TensorType type) { return traitsOf(type).quantize != nullptr && type != TensorType::Q8_K; }

std::optional<TensorType> parsePureTestType(std::string_view name) {
    for (uint32_t id = 0; id < 64; ++id) {
        const auto traits = tensorTypeTraits(id);
        if (!traits || !isPureTestType(traits->type) || traits->name.size() != name.size()) continue;
        bool same = true;
        for (size_t i = 0; i < name.size(); ++i)
            same = same && std::tolower((unsigned char)traits->name[i]) == std::tolower((unsigned char)name[i]);
        if (same) return traits->type;
    }
    return std::nullopt;
}

std::vector<PlannedTensor> planTestModel(TestArch arch, const TestModelShape& shape, TestFileType fileType,
                                         uint32_t vocabSize, std::optional<TensorType> pureType) {
    std::vector<PlannedTensor> out;
    for (auto& e : planEntries(arch, shape, fileType, vocabSize, pureType)) out.push_back(std::move(e.tensor));
    return out;
}

Result<TestModelSummary> writeTestModel(const TestModelOptions& options, const std::string& outputPath) {
    auto vocabFile = GgufFile::open(options.vocabPath);
    if (!vocabFile) return makeError("cannot read the vocabulary: " + vocabFile.error().message);
    const GgufFile& vocab = **vocabFile;
    const GgufValue* tokens = vocab.find("tokenizer.ggml.tokens");
    if (!tokens || tokens->type != GgufType::Array || tokens->items.empty())
        return makeError("'" + options.vocabPath + "' has no tokenizer.ggml.tokens array to take the vocabulary from");
    const uint32_t vocabSize = uint32_t(tokens->items.size());

    TestModelShape shape = testModelShape(options.arch, options.shape);
    if (options.tiedOutput) shape.tiedOutput = *options.tiedOutput;
    const std::string arch(testArchName(options.arch));
    const uint32_t headDim = shape.embeddingLength / shape.headCount;

    std::vector<std::pair<std::string, GgufValue>> metadata;
    auto set = [&](std::string key, GgufValue value) { metadata.emplace_back(std::move(key), std::move(value)); };
    set("general.architecture", ggufString(arch));
    if (options.pureType && !isPureTestType(*options.pureType))
        return makeError("cannot write a test model in " + std::string(tensorTypeName(*options.pureType)) +
                         ": Confidant has no quantizer for it");
    const std::string typeLabel = options.pureType ? "pure " + std::string(tensorTypeName(*options.pureType))
                                                   : std::string(testFileTypeName(options.fileType));
    const uint32_t fileTypeId =
        options.pureType ? pureFileTypeId(*options.pureType) : llamaFileTypeId(options.fileType);
    set("general.name", ggufString("Confidant test model " + arch + " " + std::string(testShapeName(options.shape)) +
                                   " " + typeLabel + " seed " + std::to_string(options.seed)));
    set("general.file_type", ggufUInt32(fileTypeId));
    if (fileTypeId != 0 && fileTypeId != 1 && fileTypeId != 32) set("general.quantization_version", ggufUInt32(2));
    set(arch + ".vocab_size", ggufUInt32(vocabSize));
    set(arch + ".context_length", ggufUInt32(shape.contextLength));
    set(arch + ".embedding_length", ggufUInt32(shape.embeddingLength));
    set(arch + ".block_count", ggufUInt32(shape.blockCount));
    set(arch + ".feed_forward_length", ggufUInt32(shape.feedForwardLength));
    set(arch + ".attention.head_count", ggufUInt32(shape.headCount));
    set(arch + ".attention.head_count_kv", ggufUInt32(shape.headCountKv));
    set(arch + ".attention.layer_norm_rms_epsilon", ggufFloat32(shape.rmsEpsilon));
    set(arch + ".rope.freq_base", ggufFloat32(shape.ropeFreqBase));
    set(arch + ".rope.dimension_count", ggufUInt32(headDim));
    for (const auto& [key, value] : vocab.metadata())
        if (key.rfind("tokenizer.", 0) == 0) set(key, value);

    const std::vector<TensorPlanEntry> plan =
        planEntries(options.arch, shape, options.fileType, vocabSize, options.pureType);
    std::vector<StreamedTensorInfo> infos;
    uint64_t totalBytes = 0, parameters = 0;
    for (const auto& e : plan) {
        infos.push_back({e.tensor.name, e.tensor.type, e.tensor.dims});
        totalBytes += infos.back().byteSize();
        uint64_t n = 1;
        for (uint64_t dim : e.tensor.dims) n *= dim;
        parameters += n;
    }

    GgufStreamWriter writer;
    if (auto opened = writer.open(outputPath, metadata, infos); !opened) return opened.error();

    const unsigned threads = std::max(1u, options.threads ? options.threads : std::thread::hardware_concurrency());
    const std::vector<float> ropeFactors =
        shape.llama3RopeFactor > 0 ? llama3RopeFactors(headDim, shape.ropeFreqBase, shape.llama3RopeFactor)
                                   : std::vector<float>{};
    std::vector<uint8_t> buffer;
    uint64_t written = 0;
    for (const auto& entry : plan) {
        const PlannedTensor& t = entry.tensor;
        const uint64_t tensorSeed = options.seed * 0x9E3779B97F4A7C15ull ^ hashName(t.name);
        const uint64_t rows = t.dims.size() > 1 ? t.dims[1] : 1;
        const uint64_t bytesPerRow = rowBytes(t.type, size_t(t.dims[0]));
        const uint64_t rowsPerChunk = std::max<uint64_t>(1, k_chunkBytes / bytesPerRow);
        for (uint64_t begin = 0; begin < rows; begin += rowsPerChunk) {
            const uint64_t end = std::min(rows, begin + rowsPerChunk);
            buffer.resize(size_t((end - begin) * bytesPerRow));
            const unsigned workers = unsigned(std::min<uint64_t>(threads, end - begin));
            std::vector<std::thread> pool;
            for (unsigned w = 1; w < workers; ++w) {
                const uint64_t a = begin + (end - begin) * w / workers, b = begin + (end - begin) * (w + 1) / workers;
                pool.emplace_back(generateRows, std::cref(entry), tensorSeed, std::cref(ropeFactors), a, b,
                                  buffer.data() + (a - begin) * bytesPerRow);
            }
            generateRows(entry, tensorSeed, ropeFactors, begin, begin + (end - begin) / workers, buffer.data());
            for (auto& th : pool) th.join();
            if (auto appended = writer.append(buffer.data(), buffer.size()); !appended) return appended.error();
            written += buffer.size();
        }
        if (options.progress) options.progress(written, totalBytes);
    }
    if (auto finished = writer.finish(); !finished) return finished.error();

    TestModelSummary summary;
    summary.tensors = plan.size();
    summary.parameters = parameters;
    std::error_code sizeError;
    summary.fileBytes = std::filesystem::file_size(outputPath, sizeError);
    return summary;
}

}  // namespace confidant::inference
