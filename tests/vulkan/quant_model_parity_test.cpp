// Whole generated models (make-test-model's tiny llama shape, the stories260K vocabulary) whose
// matrices use the quantizations beyond the basic ones: a Q5_K_M mix and one file per single type.
// Final logits of a prompt and of a few decode steps must match the CPU reference (NMSE <= 1e-3).
#include <algorithm>
#include <ostream>
#include <set>

#include "backend.h"
#include "model.h"
#include "session.h"
#include "test_data.h"
#include "test_model/test_model.h"
#include "vulkan_test_support.h"

namespace confidant::vktest {
namespace {


struct QuantModelCase {
    std::string label;
    TestFileType fileType;
    std::optional<TensorType> pureType;
    std::set<TensorType> expectedTypes;  // matrix types the file must hold, so the case tests what it names
};

class QuantModelParity : public ::testing::TestWithParam<QuantModelCase> {};

TEST_P(QuantModelParity, LogitsMatchTheCpu) {
    CONFIDANT_REQUIRE_GPU();
    CONFIDANT_TESTDATA_FILE(vocab, "models/stories260K.gguf");
    const QuantModelCase& c = GetParam();
    TestModelOptions options;
    options.fileType = c.fileType;
    options.pureType = c.pureType;
    options.seed = 77;
    auto model = loadTinyTestModel(options, vocab.string(), "quant-" + c.label);
    ASSERT_TRUE(model) << model.error().message;

    std::set<TensorType> matrixTypes;
    for (const GgufTensorInfo& t : (*model)->file().tensors())
        if (t.dims.size() == 2) matrixTypes.insert(t.type);
    EXPECT_EQ(matrixTypes, c.expectedTypes);

    auto gpuBackend = createVulkanBackend(*model, {});
    ASSERT_TRUE(gpuBackend) << gpuBackend.error().message;
    auto cpuBackend = createReferenceBackend(*model, 1);
    auto gpu = Session::create(*model, **gpuBackend, 64, 8);
    auto cpu = Session::create(*model, *cpuBackend, 64, 8);
    ASSERT_TRUE(gpu && cpu);

    // 11 prompt tokens (batches of 8 and 3), then single tokens.
    std::vector<TokenId> prompt = {1};
    for (int i = 0; i < 10; ++i) prompt.push_back(TokenId(20 + (i * 53) % 480));
    ASSERT_TRUE(gpu->feed(prompt));
    ASSERT_TRUE(cpu->feed(prompt));
    EXPECT_TRUE(allFinite(gpu->logits()));
    const double promptError = nmse(cpu->logits(), gpu->logits());
    EXPECT_LE(promptError, 1e-3);
    double worst = 0;
    for (TokenId next : {TokenId(300), TokenId(7), TokenId(451)}) {
        ASSERT_TRUE(gpu->feed(std::span(&next, 1)));
        ASSERT_TRUE(cpu->feed(std::span(&next, 1)));
        EXPECT_TRUE(allFinite(gpu->logits()));
        const double error = nmse(cpu->logits(), gpu->logits());
        EXPECT_LE(error, 1e-3) << "after token " << next;
        worst = std::max(worst, error);
    }
    RecordProperty("prompt_nmse", scientific(promptError));
    RecordProperty("decode_nmse_worst", scientific(worst));
}

void PrintTo(const QuantModelCase& c, std::ostream* out) { *out << c.label; }

QuantModelCase pure(TensorType type) {
    return {std::string(tensorTypeName(type)), TestFileType::F32, type, {type}};
}

INSTANTIATE_TEST_SUITE_P(
    Files, QuantModelParity,
    ::testing::Values(QuantModelCase{"Q5_K_M", TestFileType::Q5_K_M, std::nullopt, {TensorType::Q5_K, TensorType::Q6_K}},
                      pure(TensorType::Q2_K), pure(TensorType::Q3_K), pure(TensorType::Q4_1), pure(TensorType::Q5_0),
                      pure(TensorType::Q5_1), pure(TensorType::IQ4_NL), pure(TensorType::BF16)),
    [](const auto& info) { return info.param.label; });

}  // namespace
}  // namespace confidant::vktest
