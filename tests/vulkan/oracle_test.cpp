// The Vulkan backend against llama.cpp's oracles (testdata/oracles, README there). Its KV cache is
// fp16, so the bounds are the README's for an fp16 cache: 0.15 on the F32 files (llama.cpp's own
// F16-vs-F32 spread), 2.0 on the Q8_0 twins (F32 activations times dequantized weights as well).
#include "backend.h"
#include "llama_oracle.h"
#include "test_data.h"
#include "vulkan_test_support.h"

namespace confidant::vktest {
namespace {

void checkOracle(const std::string& name, double tolerance) {
    const std::string base = "oracles/" + name;
    CONFIDANT_TESTDATA_FILE(gguf, base + ".gguf");
    CONFIDANT_TESTDATA_FILE(json, base + ".json");
    auto model = Model::load(gguf.string());
    ASSERT_TRUE(model) << model.error().message;
    auto backend = createVulkanBackend(*model, {});
    ASSERT_TRUE(backend) << backend.error().message;
    const auto summary = testing::checkAgainstOracle(*model, **backend, testing::readOracle(json), tolerance);
    EXPECT_EQ(summary.steps, 16u) << "two public prompts of 8 stored steps";
    std::printf("[ oracle ] %s on Vulkan: %zu steps, max |delta logit| over the top 5: %.3g\n", name.c_str(),
                summary.steps, summary.maxError);
}

TEST(LlamaCppOracle, Qwen3F32) {
    CONFIDANT_REQUIRE_GPU();
    checkOracle("qwen3-f32", 0.15);
}
TEST(LlamaCppOracle, Qwen3Q8_0) {
    CONFIDANT_REQUIRE_GPU();
    checkOracle("qwen3-q8_0", 2.0);
}
TEST(LlamaCppOracle, Llama31F32) {
    CONFIDANT_REQUIRE_GPU();
    checkOracle("llama31-f32", 0.15);
}

}  // namespace
}  // namespace confidant::vktest
