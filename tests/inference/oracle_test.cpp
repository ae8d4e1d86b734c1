// The reference backend against llama.cpp's oracles for tiny random-weight models whose every
// feature moves the logits visibly (testdata/oracles, README there): F32 files within 2e-3 of the
// strict F32-KV block, Q8_0 twins within 2.0 (we multiply F32 activations with dequantized weights
// where llama.cpp quantizes the activations too; the README's bound for that).
#include <gtest/gtest.h>

#include "llama_oracle.h"
#include "test_data.h"

namespace confidant::inference {
namespace {

void checkOracle(const std::string& name, double tolerance) {
    const std::string base = "oracles/" + name;
    CONFIDANT_TESTDATA_FILE(gguf, base + ".gguf");
    CONFIDANT_TESTDATA_FILE(json, base + ".json");
    auto model = Model::load(gguf.string());
    ASSERT_TRUE(model) << model.error().message;
    auto backend = createReferenceBackend(*model, 2);
    const auto summary = testing::checkAgainstOracle(*model, *backend, testing::readOracle(json), tolerance);
    EXPECT_EQ(summary.steps, 16u) << "two public prompts of 8 stored steps";
    std::printf("[ oracle ] %s: %zu steps, max |delta logit| over the top 5: %.3g\n", name.c_str(), summary.steps,
                summary.maxError);
}

TEST(LlamaCppOracle, Llama31F32) { checkOracle("llama31-f32", 2e-3); }
TEST(LlamaCppOracle, Llama31Q8_0) { checkOracle("llama31-q8_0", 2.0); }
TEST(LlamaCppOracle, Qwen3F32) { checkOracle("qwen3-f32", 2e-3); }
TEST(LlamaCppOracle, Qwen3Q8_0) { checkOracle("qwen3-q8_0", 2.0); }

}  // namespace
}  // namespace confidant::inference
