// Generated tiny models of every architecture and type: valid GGUF files with the planned tensors,
// the vocabulary's tokenizer, deterministic bytes, sane weights; llama ones run through the CPU
// backend deterministically, and each quantized model's logits stay close to its F32 twin's.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

#include "backend.h"
#include "gguf_file.h"
#include "model.h"
#include "session.h"
#include "test_data.h"
#include "test_model/test_model.h"

namespace confidant::inference {
namespace {

namespace fs = std::filesystem;

constexpr TestFileType k_allTypes[] = {TestFileType::F32,    TestFileType::F16,    TestFileType::Q8_0,
                                       TestFileType::Q4_0,   TestFileType::Q4_K_M, TestFileType::Q5_K_M,
                                       TestFileType::Q6_K};

class TempDir {
public:
    TempDir() {
        m_path = fs::temp_directory_path() / ("confidant-test-model-" + std::to_string(::getpid()));
        fs::create_directories(m_path);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    fs::path file(const std::string& name) const { return m_path / name; }

private:
    fs::path m_path;
};

std::vector<char> readAll(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

Result<TestModelSummary> make(const fs::path& vocab, const fs::path& out, TestArch arch, TestFileType type,
                              uint64_t seed, unsigned threads = 2, std::optional<TensorType> pureType = {}) {
    TestModelOptions o;
    o.arch = arch;
    o.shape = TestShape::Tiny;
    o.fileType = type;
    o.vocabPath = vocab.string();
    o.seed = seed;
    o.threads = threads;
    o.pureType = pureType;
    return writeTestModel(o, out.string());
}

TEST(TestModelFiles, EveryArchitectureAndTypeWritesTheFilePlanned) {
    CONFIDANT_TESTDATA_FILE(vocab, "models/stories260K.gguf");
    TempDir dir;
    for (TestArch arch : {TestArch::Llama, TestArch::Qwen2, TestArch::Phi3}) {
        for (TestFileType type : k_allTypes) {
            const std::string label = std::string(testArchName(arch)) + " " + std::string(testFileTypeName(type));
            const fs::path path = dir.file(label + ".gguf");
            auto summary = make(vocab, path, arch, type, 7);
            ASSERT_TRUE(summary) << label << ": " << summary.error().message;
            auto file = GgufFile::open(path.string());
            ASSERT_TRUE(file) << label << ": " << file.error().message;
            const GgufFile& f = **file;
            const std::string a(testArchName(arch));
            EXPECT_EQ(*f.getString("general.architecture"), a);
            EXPECT_EQ(*f.getUInt("general.file_type"), llamaFileTypeId(type));
            EXPECT_EQ(*f.getUInt(a + ".embedding_length"), 256u);
            EXPECT_EQ(*f.getUInt(a + ".block_count"), 2u);
            EXPECT_EQ(*f.getUInt(a + ".attention.head_count"), 4u);
            EXPECT_EQ(*f.getUInt(a + ".attention.head_count_kv"), 2u);
            EXPECT_EQ(*f.getUInt(a + ".feed_forward_length"), 512u);
            EXPECT_EQ(*f.getUInt(a + ".rope.dimension_count"), 64u);
            EXPECT_TRUE(f.getFloat(a + ".attention.layer_norm_rms_epsilon").ok());
            EXPECT_TRUE(f.getFloat(a + ".rope.freq_base").ok());
            EXPECT_EQ(f.getStringArray("tokenizer.ggml.tokens")->size(), 512u);
            EXPECT_EQ(*f.getString("tokenizer.ggml.model"), "llama");

            const auto plan = planTestModel(arch, testModelShape(arch, TestShape::Tiny), type, 512);
            ASSERT_EQ(f.tensors().size(), plan.size()) << label;
            EXPECT_EQ(summary->tensors, plan.size());
            EXPECT_EQ(summary->fileBytes, f.fileSize());
            for (const auto& p : plan) {
                const GgufTensorInfo* t = f.findTensor(p.name);
                ASSERT_NE(t, nullptr) << label << ": " << p.name;
                EXPECT_EQ(t->type, p.type) << label << ": " << p.name;
                EXPECT_EQ(t->dims, p.dims) << label << ": " << p.name;
                // Weights as planned: matrices ~N(0, 0.02²), norms near 1, biases small.
                std::vector<float> values(t->elementCount);
                traitsOf(t->type).dequantize(t->data, values.data(), values.size());
                double sum = 0, sumSquares = 0;
                for (float v : values) {
                    ASSERT_TRUE(std::isfinite(v)) << label << ": " << p.name;
                    sum += v;
                    sumSquares += double(v) * v;
                }
                const double mean = sum / double(values.size());
                const double stddev = std::sqrt(sumSquares / double(values.size()) - mean * mean);
                if (p.name.find("norm") != std::string::npos) {
                    EXPECT_NEAR(mean, 1.0, 0.02) << label << ": " << p.name;
                } else {
                    EXPECT_NEAR(mean, 0.0, 0.01) << label << ": " << p.name;
                    EXPECT_NEAR(stddev, 0.02, 0.004) << label << ": " << p.name;
                }
            }
        }
    }
}

TEST(TestModelFiles, SameSeedSameBytesOnAnyThreadCount) {
    CONFIDANT_TESTDATA_FILE(vocab, "models/stories260K.gguf");
    TempDir dir;
    ASSERT_TRUE(make(vocab, dir.file("a.gguf"), TestArch::Llama, TestFileType::Q4_K_M, 11, 1));
    ASSERT_TRUE(make(vocab, dir.file("b.gguf"), TestArch::Llama, TestFileType::Q4_K_M, 11, 3));
    ASSERT_TRUE(make(vocab, dir.file("c.gguf"), TestArch::Llama, TestFileType::Q4_K_M, 12, 2));
    const auto a = readAll(dir.file("a.gguf")), b = readAll(dir.file("b.gguf")), c = readAll(dir.file("c.gguf"));
    EXPECT_EQ(a, b);
    ASSERT_EQ(a.size(), c.size());  // the seed is in general.name: same length for 11 and 12
    EXPECT_NE(a, c);
}

TEST(TestModelFiles, MissingVocabularyIsAnError) {
    TempDir dir;
    TestModelOptions o;
    o.vocabPath = dir.file("nothing.gguf").string();
    auto r = writeTestModel(o, dir.file("out.gguf").string());
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("vocabulary"), std::string::npos) << r.error().message;
    EXPECT_FALSE(fs::exists(dir.file("out.gguf")));
}

// Logits after feeding a fixed prompt to a generated llama model on the CPU reference backend.
std::vector<float> promptLogits(const fs::path& path) {
    auto model = Model::load(path.string());
    EXPECT_TRUE(model) << (model ? "" : model.error().message);
    if (!model) return {};
    auto backend = createReferenceBackend(*model, 2);
    auto session = Session::create(*model, *backend, 64);
    EXPECT_TRUE(session);
    if (!session) return {};
    const std::vector<TokenId> prompt = {1, 403, 260, 17, 299, 42, 511, 3};
    auto fed = session->feed(prompt);
    EXPECT_TRUE(fed) << (fed ? "" : fed.error().message);
    // One more token through the single-token path.
    const TokenId next = 77;
    auto stepped = session->feed(std::span<const TokenId>(&next, 1));
    EXPECT_TRUE(stepped);
    return {session->logits().begin(), session->logits().end()};
}

double relativeRmse(const std::vector<float>& reference, const std::vector<float>& other) {
    double err = 0, ref = 0;
    for (size_t i = 0; i < reference.size(); ++i) {
        err += (double(other[i]) - reference[i]) * (double(other[i]) - reference[i]);
        ref += double(reference[i]) * reference[i];
    }
    return std::sqrt(err / ref);
}

TEST(TestModelFiles, LlamaRunsDeterministicallyAndQuantizedLogitsTrackF32) {
    CONFIDANT_TESTDATA_FILE(vocab, "models/stories260K.gguf");
    TempDir dir;
    // Bounds on the logits' relative RMS error against the F32 twin (same seed), ~30% above what
    // our quantizers give: about 2.5x each type's weight error, compounded over the layers.
    const std::pair<TestFileType, double> bounds[] = {
        {TestFileType::F16, 0.002},    {TestFileType::Q8_0, 0.02},    {TestFileType::Q6_K, 0.055},
        {TestFileType::Q5_K_M, 0.1},   {TestFileType::Q4_K_M, 0.2},   {TestFileType::Q4_0, 0.25},
    };
    ASSERT_TRUE(make(vocab, dir.file("f32.gguf"), TestArch::Llama, TestFileType::F32, 5));
    const auto reference = promptLogits(dir.file("f32.gguf"));
    ASSERT_EQ(reference.size(), 512u);
    double spread = 0;
    for (float v : reference) {
        ASSERT_TRUE(std::isfinite(v));
        spread = std::max(spread, double(std::fabs(v)));
    }
    EXPECT_GT(spread, 0.1);   // the logits carry signal...
    EXPECT_LT(spread, 100.0); // ...and the activations did not explode
    EXPECT_EQ(promptLogits(dir.file("f32.gguf")), reference);  // bit-identical on a rerun

    for (const auto& [type, bound] : bounds) {
        const std::string name = std::string(testFileTypeName(type)) + ".gguf";
        ASSERT_TRUE(make(vocab, dir.file(name), TestArch::Llama, type, 5));
        const auto logits = promptLogits(dir.file(name));
        ASSERT_EQ(logits.size(), reference.size());
        EXPECT_EQ(promptLogits(dir.file(name)), logits) << name;
        const double error = relativeRmse(reference, logits);
        EXPECT_LE(error, bound) << name;
        EXPECT_GT(error, 0.0) << name;  // it really is another model
    }
}

// qwen2 (biases), qwen3 (per-head Q/K norms) and phi3 (fused QKV and gate/up) files run too,
// deterministically, and their quantized twins stay close to F32 (bounds as for llama; phi3's
// Q4_K_M keeps attn_qkv in Q5_K; qwen3's Q4_K_M measures 0.25: its per-head norms rescale every
// head of Q and K to unit RMS, small random heads and their quantization error with them).
TEST(TestModelFiles, Qwen2Qwen3AndPhi3RunAndQuantizedLogitsTrackF32) {
    CONFIDANT_TESTDATA_FILE(vocab, "models/stories260K.gguf");
    TempDir dir;
    for (TestArch arch : {TestArch::Qwen2, TestArch::Qwen3, TestArch::Phi3}) {
        const std::string a(testArchName(arch));
        ASSERT_TRUE(make(vocab, dir.file(a + "-f32.gguf"), arch, TestFileType::F32, 6));
        const auto reference = promptLogits(dir.file(a + "-f32.gguf"));
        ASSERT_EQ(reference.size(), 512u) << a;
        for (float v : reference) ASSERT_TRUE(std::isfinite(v)) << a;
        EXPECT_EQ(promptLogits(dir.file(a + "-f32.gguf")), reference) << a;
        const double q4Bound = arch == TestArch::Qwen3 ? 0.3 : 0.2;
        for (const auto& [type, bound] : {std::pair{TestFileType::Q8_0, 0.02}, std::pair{TestFileType::Q4_K_M, q4Bound}}) {
            const std::string name = a + "-" + std::string(testFileTypeName(type)) + ".gguf";
            ASSERT_TRUE(make(vocab, dir.file(name), arch, type, 6));
            const double error = relativeRmse(reference, promptLogits(dir.file(name)));
            EXPECT_LE(error, bound) << name;
            EXPECT_GT(error, 0.0) << name;
        }
    }
}

TEST(TestModelFiles, PureFilesOfEveryTypeRunAndTrackF32) {
    CONFIDANT_TESTDATA_FILE(vocab, "models/stories260K.gguf");
    TempDir dir;
    // Logits' relative RMS error against the F32 twin, ~30% above what our quantizers give.
    const std::pair<TensorType, double> bounds[] = {
        {TensorType::F16, 0.002},  {TensorType::BF16, 0.006},  {TensorType::Q8_0, 0.02},
        {TensorType::Q6_K, 0.055}, {TensorType::Q5_0, 0.13},   {TensorType::Q5_1, 0.13},
        {TensorType::Q5_K, 0.13},  {TensorType::Q4_0, 0.27},   {TensorType::Q4_1, 0.23},
        {TensorType::Q4_K, 0.25},  {TensorType::IQ4_NL, 0.23}, {TensorType::Q3_K, 0.47},
        {TensorType::Q2_K, 0.8},
    };
    ASSERT_TRUE(make(vocab, dir.file("f32.gguf"), TestArch::Llama, TestFileType::F32, 9));
    const auto reference = promptLogits(dir.file("f32.gguf"));
    ASSERT_EQ(reference.size(), 512u);
    for (const auto& [type, bound] : bounds) {
        const std::string name = "pure-" + std::string(tensorTypeName(type)) + ".gguf";
        ASSERT_TRUE(make(vocab, dir.file(name), TestArch::Llama, TestFileType::F32, 9, 2, type)) << name;
        auto file = GgufFile::open(dir.file(name).string());
        ASSERT_TRUE(file);
        for (const auto& t : (*file)->tensors())
            EXPECT_EQ(t.type, t.dims.size() == 2 ? type : TensorType::F32) << name << ": " << t.name;
        const auto logits = promptLogits(dir.file(name));
        ASSERT_EQ(logits.size(), reference.size()) << name;
        const double error = relativeRmse(reference, logits);
        EXPECT_LE(error, bound) << name;
        EXPECT_GT(error, 0.0) << name;
    }
}

}  // namespace
}  // namespace confidant::inference
