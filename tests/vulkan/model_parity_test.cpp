// Whole models on the Vulkan backend against the CPU reference: small llama/gemma2 models generated
// here and make-test-model's qwen2/phi3 (final logits NMSE <= 1e-3, identical greedy continuations
// for 32 tokens on F32/F16/Q8_0), and the real stories260K reproducing llama2.c's greedy output.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include "backend.h"
#include "session.h"
#include "test_data.h"
#include "test_model/test_model.h"
#include "vulkan_test_support.h"

namespace confidant::vktest {
namespace {

constexpr uint32_t k_dim = 64, k_layers = 2, k_heads = 4, k_kvHeads = 2, k_ffn = 96;

// A llama (or gemma2) model with random weights of `type` (norms in F32), an untied output
// matrix (tied for gemma2), and a byte-level sentencepiece vocabulary of 259 + 29 pieces.
std::shared_ptr<const Model> makeModel(TensorType type, uint32_t seed, std::vector<uint8_t>& storage,
                                       const std::string& arch = "llama") {
    const bool gemma = arch == "gemma2";
    GgufWriter w;
    w.set("general.architecture", ggufString(arch));
    w.set("general.name", ggufString("vulkan parity test"));
    w.set(arch + ".embedding_length", ggufUInt32(k_dim));
    w.set(arch + ".block_count", ggufUInt32(k_layers));
    w.set(arch + ".feed_forward_length", ggufUInt32(k_ffn));
    w.set(arch + ".attention.head_count", ggufUInt32(k_heads));
    w.set(arch + ".attention.head_count_kv", ggufUInt32(k_kvHeads));
    w.set(arch + ".context_length", ggufUInt32(256));
    w.set(arch + ".attention.layer_norm_rms_epsilon", ggufFloat32(1e-5f));
    w.set(arch + ".rope.freq_base", ggufFloat32(10000.0f));
    if (gemma) {
        // A window shorter than the test prompt, and caps that bite on these random weights.
        w.set("gemma2.attention.sliding_window", ggufUInt32(8));
        w.set("gemma2.attn_logit_softcapping", ggufFloat32(2.0f));
        w.set("gemma2.final_logit_softcapping", ggufFloat32(5.0f));
    }
    std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
    std::vector<GgufValue> scores, types;
    for (int b = 0; b < 256; ++b) {
        char piece[8];
        std::snprintf(piece, sizeof piece, "<0x%02X>", b);
        tokens.push_back(piece);
    }
    for (int i = 0; i < 29; ++i) tokens.push_back("\xE2\x96\x81" + std::string(1, char('a' + i % 26)) + std::to_string(i));
    for (size_t i = 0; i < tokens.size(); ++i) {
        scores.push_back(ggufFloat32(-float(i)));
        types.push_back(ggufInt32(i == 0 ? 2 : i < 3 ? 3 : i < 259 ? 6 : 1));
    }
    w.set("tokenizer.ggml.model", ggufString("llama"));
    w.set("tokenizer.ggml.tokens", ggufStringArray(tokens));
    w.set("tokenizer.ggml.scores", ggufArray(GgufType::Float32, scores));
    w.set("tokenizer.ggml.token_type", ggufArray(GgufType::Int32, types));
    w.set("tokenizer.ggml.bos_token_id", ggufUInt32(1));
    w.set("tokenizer.ggml.eos_token_id", ggufUInt32(2));
    const uint32_t vocab = uint32_t(tokens.size());

    std::mt19937 random(seed);
    auto matrix = [&](const std::string& name, uint32_t in, uint32_t out, float scale) {
        w.addTensor(name, type, {in, out}, randomTensorBytes(type, size_t(in) * out, random, scale));
    };
    auto norm = [&](const std::string& name) {
        std::vector<float> values(k_dim);
        std::uniform_real_distribution<float> around1(0.8f, 1.2f);
        for (float& v : values) v = around1(random);
        w.addTensor(name, TensorType::F32, {k_dim},
                    std::vector<uint8_t>(reinterpret_cast<uint8_t*>(values.data()), reinterpret_cast<uint8_t*>(values.data() + k_dim)));
    };
    matrix("token_embd.weight", k_dim, vocab, 1.0f);
    norm("output_norm.weight");
    if (!gemma) matrix("output.weight", k_dim, vocab, 1.0f);
    const uint32_t headDim = k_dim / k_heads;
    for (uint32_t l = 0; l < k_layers; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        norm(p + "attn_norm.weight");
        matrix(p + "attn_q.weight", k_dim, k_heads * headDim, 0.4f);
        matrix(p + "attn_k.weight", k_dim, k_kvHeads * headDim, 0.4f);
        matrix(p + "attn_v.weight", k_dim, k_kvHeads * headDim, 0.4f);
        matrix(p + "attn_output.weight", k_heads * headDim, k_dim, 0.2f);
        norm(p + "ffn_norm.weight");
        matrix(p + "ffn_gate.weight", k_dim, k_ffn, 0.3f);
        matrix(p + "ffn_up.weight", k_dim, k_ffn, 0.3f);
        matrix(p + "ffn_down.weight", k_ffn, k_dim, 0.2f);
        if (gemma) {
            norm(p + "post_attention_norm.weight");
            norm(p + "post_ffw_norm.weight");
        }
    }
    storage = w.toBytes();
    auto file = GgufFile::fromMemory(storage.data(), storage.size(), "generated llama");
    EXPECT_TRUE(file) << file.error().message;
    if (!file) return nullptr;
    auto model = Model::fromGguf(*file);
    EXPECT_TRUE(model) << model.error().message;
    return model ? *model : nullptr;
}

TokenId argmax(std::span<const float> logits) {
    return TokenId(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

struct ParityCase {
    TensorType type;
    std::string arch;
};

class ModelParity : public ::testing::TestWithParam<ParityCase> {};

// Feeds the same 21-token prompt (batches of 8, 8 and 5) and 32 greedy steps to both backends:
// logits within NMSE 1e-3 throughout and, with `exactGreedy`, the same argmax at every step.
void expectParity(const std::shared_ptr<const Model>& model, bool exactGreedy, uint32_t vocabLimit = 280) {
    auto gpuBackend = createVulkanBackend(model, {});
    ASSERT_TRUE(gpuBackend) << gpuBackend.error().message;
    auto cpuBackend = createReferenceBackend(model, 1);
    auto gpu = Session::create(model, **gpuBackend, 128, 8);
    auto cpu = Session::create(model, *cpuBackend, 128, 8);
    auto gpuGreedy = Session::create(model, **gpuBackend, 128, 8);  // picks on the device
    ASSERT_TRUE(gpu && cpu && gpuGreedy);

    std::vector<TokenId> prompt = {1};
    for (int i = 0; i < 20; ++i) prompt.push_back(TokenId(3 + (i * 37) % (vocabLimit - 3)));
    ASSERT_TRUE(gpu->feed(prompt));
    ASSERT_TRUE(cpu->feed(prompt));
    auto picked = gpuGreedy->feedGreedy(prompt);
    ASSERT_TRUE(picked) << picked.error().message;
    EXPECT_TRUE(allFinite(gpu->logits()));
    EXPECT_LE(nmse(cpu->logits(), gpu->logits()), 1e-3);

    std::vector<TokenId> fromGpu, fromCpu, onDevice;
    double worst = 0;
    for (int step = 0; step < 32; ++step) {
        fromGpu.push_back(argmax(gpu->logits()));
        fromCpu.push_back(argmax(cpu->logits()));
        onDevice.push_back(*picked);
        // All continue from the CPU's choice so that logits stay comparable after a divergence.
        ASSERT_TRUE(gpu->feed(std::span(&fromCpu.back(), 1)));
        ASSERT_TRUE(cpu->feed(std::span(&fromCpu.back(), 1)));
        picked = gpuGreedy->feedGreedy(std::span(&fromCpu.back(), 1));
        ASSERT_TRUE(picked) << picked.error().message;
        worst = std::max(worst, nmse(cpu->logits(), gpu->logits()));
    }
    EXPECT_LE(worst, 1e-3);
    // The device's argmax of the same logits is the host's.
    EXPECT_EQ(onDevice, fromGpu);
    if (exactGreedy) {
        EXPECT_EQ(fromGpu, fromCpu);
    }
}

TEST_P(ModelParity, LogitsAndGreedyContinuationMatchTheCpu) {
    CONFIDANT_REQUIRE_GPU();
    const TensorType type = GetParam().type;
    std::vector<uint8_t> storage;
    auto model = makeModel(type, 1000 + uint32_t(type), storage, GetParam().arch);
    ASSERT_TRUE(model);
    expectParity(model, type != TensorType::Q4_0);
}

INSTANTIATE_TEST_SUITE_P(Types, ModelParity,
                         ::testing::Values(ParityCase{TensorType::F32, "llama"}, ParityCase{TensorType::F16, "llama"},
                                           ParityCase{TensorType::Q8_0, "llama"}, ParityCase{TensorType::Q4_0, "llama"},
                                           ParityCase{TensorType::F32, "gemma2"}, ParityCase{TensorType::Q8_0, "gemma2"}),
                         [](const auto& info) { return info.param.arch + "_" + std::string(tensorTypeName(info.param.type)); });

struct GeneratedCase {
    TestArch arch;
    TestFileType type;
};

class GeneratedModelParity : public ::testing::TestWithParam<GeneratedCase> {};

// make-test-model's tiny qwen2 (Q/K/V biases, NeoX RoPE) and phi3 (fused QKV and gate|up read
// through row views) with the stories260K vocabulary.
TEST_P(GeneratedModelParity, LogitsAndGreedyContinuationMatchTheCpu) {
    CONFIDANT_REQUIRE_GPU();
    CONFIDANT_TESTDATA_FILE(vocab, "models/stories260K.gguf");
    const std::string name = std::string(testArchName(GetParam().arch)) + "-" +
                             std::string(testFileTypeName(GetParam().type));
    TestModelOptions options;
    options.arch = GetParam().arch;
    options.fileType = GetParam().type;
    options.seed = 31;
    auto model = loadTinyTestModel(options, vocab.string(), "parity-" + name);
    ASSERT_TRUE(model) << model.error().message;
    expectParity(*model, true, 512);
}

INSTANTIATE_TEST_SUITE_P(Architectures, GeneratedModelParity,
                         ::testing::Values(GeneratedCase{TestArch::Qwen2, TestFileType::F32},
                                           GeneratedCase{TestArch::Qwen2, TestFileType::Q8_0},
                                           GeneratedCase{TestArch::Phi3, TestFileType::F32},
                                           GeneratedCase{TestArch::Phi3, TestFileType::Q8_0}),
                         [](const auto& info) {
                             return std::string(testArchName(info.param.arch)) + "_" +
                                    std::string(testFileTypeName(info.param.type));
                         });

// Backends without a device argmax (the CPU reference) pick greedily on the host, as the Sampler.
TEST(ModelParity, CpuBackendFallsBackToAHostArgmax) {
    std::vector<uint8_t> storage;
    auto model = makeModel(TensorType::F32, 17, storage);
    ASSERT_TRUE(model);
    auto backend = createReferenceBackend(model, 1);
    auto full = Session::create(model, *backend, 64, 4);
    auto greedy = Session::create(model, *backend, 64, 4);
    ASSERT_TRUE(full && greedy);
    std::vector<TokenId> next = {1, 40, 41, 42, 43, 44};
    for (int step = 0; step < 4; ++step) {
        ASSERT_TRUE(full->feed(next));
        auto picked = greedy->feedGreedy(next);
        ASSERT_TRUE(picked) << picked.error().message;
        EXPECT_EQ(*picked, argmax(full->logits()));
        next = {*picked};
    }
}

TEST(ModelParity, ContextsOnTwoThreadsShareTheBackend) {
    CONFIDANT_REQUIRE_GPU();
    std::vector<uint8_t> storage;
    auto model = makeModel(TensorType::Q8_0, 21, storage);
    ASSERT_TRUE(model);
    auto backend = createVulkanBackend(model, {});
    ASSERT_TRUE(backend) << backend.error().message;
    const std::vector<TokenId> prompt = {1, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49};
    auto run = [&](std::vector<float>& logits, std::string& error) {
        auto session = Session::create(model, **backend, 64, 4);
        if (!session) {
            error = session.error().message;
            return;
        }
        for (int repeat = 0; repeat < 3; ++repeat) {
            session->reset();
            if (auto fed = session->feed(prompt); !fed) {
                error = fed.error().message;
                return;
            }
        }
        logits.assign(session->logits().begin(), session->logits().end());
    };
    std::vector<float> alone, first, second;
    std::string errorAlone, errorFirst, errorSecond;
    run(alone, errorAlone);
    std::thread a([&] { run(first, errorFirst); });
    std::thread b([&] { run(second, errorSecond); });
    a.join();
    b.join();
    ASSERT_EQ(errorAlone + errorFirst + errorSecond, "");
    EXPECT_EQ(first, alone);
    EXPECT_EQ(second, alone);
}

TEST(ModelParity, ContextTooLargeForTheDeviceIsRefusedWithBothNumbers) {
    CONFIDANT_REQUIRE_GPU();
    std::vector<uint8_t> storage;
    auto model = makeModel(TensorType::Q8_0, 7, storage);
    ASSERT_TRUE(model);
    auto backend = createVulkanBackend(model, {});
    ASSERT_TRUE(backend) << backend.error().message;
    auto context = (*backend)->createContext(1u << 24);
    ASSERT_FALSE(context);
    const std::string& message = context.error().message;
    EXPECT_NE(message.find("needs"), std::string::npos) << message;
    EXPECT_NE(message.find("MiB"), std::string::npos) << message;
    EXPECT_NE(message.find("--ctx"), std::string::npos) << message;
}

TEST(ModelParity, MissingDeviceIndexIsNamed) {
    CONFIDANT_REQUIRE_GPU();
    std::vector<uint8_t> storage;
    auto model = makeModel(TensorType::F32, 8, storage);
    ASSERT_TRUE(model);
    auto backend = createVulkanBackend(model, {.deviceIndex = 999});
    ASSERT_FALSE(backend);
    EXPECT_NE(backend.error().message.find("999"), std::string::npos) << backend.error().message;
}

TEST(Stories260K, GreedyIdsMatchLlama2c) {
    CONFIDANT_REQUIRE_GPU();
    CONFIDANT_TESTDATA_FILE(modelPath, "models/stories260K.gguf");
    CONFIDANT_TESTDATA_FILE(idsPath, "models/stories260K.greedy-200.ids");
    std::ifstream idsFile(idsPath);
    const std::vector<TokenId> expected{std::istream_iterator<TokenId>(idsFile), {}};
    ASSERT_EQ(expected.size(), 200u);
    auto model = Model::load(modelPath.string());
    ASSERT_TRUE(model) << model.error().message;
    auto backend = createVulkanBackend(*model, {});
    ASSERT_TRUE(backend) << backend.error().message;
    auto session = Session::create(*model, **backend, 256);
    ASSERT_TRUE(session) << session.error().message;
    TokenId next = (*model)->tokenizer().vocabulary().bos;
    std::vector<TokenId> generated;
    for (int i = 0; i < 200; ++i) {
        auto fed = session->feed(std::span(&next, 1));
        ASSERT_TRUE(fed) << fed.error().message;
        next = argmax(session->logits());
        generated.push_back(next);
    }
    EXPECT_EQ(generated, expected);
}

TEST(Stories260K, CliGenerateReproducesLlama2cBytes) {
    CONFIDANT_REQUIRE_GPU();
    CONFIDANT_TESTDATA_FILE(modelPath, "models/stories260K.gguf");
    CONFIDANT_TESTDATA_FILE(textPath, "models/stories260K.greedy-200.txt");
    const char* cli = std::getenv("CONFIDANT_CLI");
    if (!cli) GTEST_SKIP() << "CONFIDANT_CLI is not set (ctest sets it to the built confidant-cli)";
    const std::string command = std::string(cli) + " generate -m '" + modelPath.string() +
                                "' --backend vulkan --temp 0 -n 200 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[4096];
    for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    EXPECT_EQ(pclose(pipe), 0);
    std::ifstream expectedFile(textPath, std::ios::binary);
    const std::string expected{std::istreambuf_iterator<char>(expectedFile), {}};
    EXPECT_EQ(output, expected);
}

}  // namespace
}  // namespace confidant::vktest
