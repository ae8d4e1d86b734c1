// The generator's tensor plans: real tensor names and shapes per architecture, and the type mix of
// llama.cpp's Q4_K_M/Q5_K_M/Q4_0 files (checked against the mix of the published Llama 3.1 8B
// Instruct Q4_K_M: 66 F32, 193 Q4_K, 33 Q6_K).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "test_model/test_model.h"

namespace confidant::inference {
namespace {

constexpr uint32_t k_llama3Vocab = 128256;

std::map<TensorType, int> typeCounts(const std::vector<PlannedTensor>& plan) {
    std::map<TensorType, int> counts;
    for (const auto& t : plan) ++counts[t.type];
    return counts;
}

const PlannedTensor* find(const std::vector<PlannedTensor>& plan, const std::string& name) {
    for (const auto& t : plan)
        if (t.name == name) return &t;
    return nullptr;
}

TEST(TestModelPlan, Llama8bQ4KMHasTheRealFilesTypeMix) {
    const auto plan = planTestModel(TestArch::Llama, testModelShape(TestArch::Llama, TestShape::B8),
                                    TestFileType::Q4_K_M, k_llama3Vocab);
    EXPECT_EQ(plan.size(), 292u);
    const auto counts = typeCounts(plan);
    EXPECT_EQ(counts.at(TensorType::F32), 66);
    EXPECT_EQ(counts.at(TensorType::Q4_K), 193);
    EXPECT_EQ(counts.at(TensorType::Q6_K), 33);
    EXPECT_EQ(counts.size(), 3u);

    ASSERT_NE(find(plan, "output.weight"), nullptr);
    EXPECT_EQ(find(plan, "output.weight")->type, TensorType::Q6_K);
    EXPECT_EQ(find(plan, "output.weight")->dims, (std::vector<uint64_t>{4096, k_llama3Vocab}));
    EXPECT_EQ(find(plan, "token_embd.weight")->type, TensorType::Q4_K);
    ASSERT_NE(find(plan, "rope_freqs.weight"), nullptr);
    EXPECT_EQ(find(plan, "rope_freqs.weight")->dims, (std::vector<uint64_t>{64}));
    EXPECT_EQ(find(plan, "blk.31.ffn_down.weight")->dims, (std::vector<uint64_t>{14336, 4096}));
    EXPECT_EQ(find(plan, "blk.0.attn_k.weight")->dims, (std::vector<uint64_t>{4096, 1024}));

    // use_more_bits: the first and last eighth of the layers, and every third one between.
    const std::set<int> more = {0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31};
    for (int i = 0; i < 32; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        const TensorType expected = more.count(i) ? TensorType::Q6_K : TensorType::Q4_K;
        EXPECT_EQ(find(plan, p + "attn_v.weight")->type, expected) << i;
        EXPECT_EQ(find(plan, p + "ffn_down.weight")->type, expected) << i;
        EXPECT_EQ(find(plan, p + "attn_q.weight")->type, TensorType::Q4_K) << i;
        EXPECT_EQ(find(plan, p + "ffn_gate.weight")->type, TensorType::Q4_K) << i;
        EXPECT_EQ(find(plan, p + "attn_norm.weight")->type, TensorType::F32) << i;
    }
}

TEST(TestModelPlan, Llama8bQ5KMUsesQ5KAndQ6K) {
    const auto counts = typeCounts(planTestModel(TestArch::Llama, testModelShape(TestArch::Llama, TestShape::B8),
                                                 TestFileType::Q5_K_M, k_llama3Vocab));
    EXPECT_EQ(counts.at(TensorType::F32), 66);
    EXPECT_EQ(counts.at(TensorType::Q5_K), 193);
    EXPECT_EQ(counts.at(TensorType::Q6_K), 33);
}

TEST(TestModelPlan, Llama1bTiesTheOutputToTheEmbedding) {
    const TestModelShape shape = testModelShape(TestArch::Llama, TestShape::B1);
    EXPECT_TRUE(shape.tiedOutput);
    EXPECT_EQ(shape.embeddingLength, 2048u);
    EXPECT_EQ(shape.blockCount, 16u);
    EXPECT_EQ(shape.headCount, 32u);
    EXPECT_EQ(shape.headCountKv, 8u);
    EXPECT_EQ(shape.feedForwardLength, 8192u);
    const auto plan = planTestModel(TestArch::Llama, shape, TestFileType::Q4_K_M, k_llama3Vocab);
    EXPECT_EQ(find(plan, "output.weight"), nullptr);
    // The tied embedding is quantized as the output matrix would be.
    EXPECT_EQ(find(plan, "token_embd.weight")->type, TensorType::Q6_K);
    EXPECT_EQ(typeCounts(plan).at(TensorType::Q6_K), 17);  // 8 attn_v + 8 ffn_down + token_embd

    TestModelShape untied = shape;
    untied.tiedOutput = false;
    const auto untiedPlan = planTestModel(TestArch::Llama, untied, TestFileType::Q4_0, k_llama3Vocab);
    ASSERT_NE(find(untiedPlan, "output.weight"), nullptr);
    EXPECT_EQ(find(untiedPlan, "output.weight")->type, TensorType::Q6_K);  // as llama.cpp's Q4_0 files
    EXPECT_EQ(find(untiedPlan, "token_embd.weight")->type, TensorType::Q4_0);
    EXPECT_EQ(find(untiedPlan, "blk.3.attn_v.weight")->type, TensorType::Q4_0);
}

TEST(TestModelPlan, Shapes125mAnd3b) {
    const TestModelShape m = testModelShape(TestArch::Llama, TestShape::M125);
    EXPECT_EQ(m.embeddingLength, 768u);
    EXPECT_EQ(m.blockCount, 12u);
    EXPECT_EQ(m.headCount, 12u);
    EXPECT_EQ(m.headCountKv, 4u);
    EXPECT_EQ(m.feedForwardLength, 2048u);
    EXPECT_FALSE(m.tiedOutput);
    const TestModelShape b3 = testModelShape(TestArch::Llama, TestShape::B3);
    EXPECT_EQ(b3.embeddingLength, 3072u);
    EXPECT_EQ(b3.blockCount, 28u);
    EXPECT_EQ(b3.headCount, 24u);
    EXPECT_EQ(b3.headCountKv, 8u);
    EXPECT_TRUE(b3.tiedOutput);
}

TEST(TestModelPlan, Qwen2HasAttentionBiases) {
    const auto plan = planTestModel(TestArch::Qwen2, testModelShape(TestArch::Qwen2, TestShape::Tiny),
                                    TestFileType::Q8_0, 512);
    for (const char* name : {"blk.1.attn_q.bias", "blk.1.attn_k.bias", "blk.1.attn_v.bias"}) {
        ASSERT_NE(find(plan, name), nullptr) << name;
        EXPECT_EQ(find(plan, name)->type, TensorType::F32);
    }
    EXPECT_EQ(find(plan, "blk.1.attn_q.bias")->dims, (std::vector<uint64_t>{256}));
    EXPECT_EQ(find(plan, "blk.1.attn_k.bias")->dims, (std::vector<uint64_t>{128}));
    EXPECT_EQ(find(plan, "blk.0.attn_q.weight")->type, TensorType::Q8_0);
    EXPECT_EQ(find(plan, "output.weight")->type, TensorType::Q8_0);  // Q8_0 files keep Q8_0 output
}

TEST(TestModelPlan, Phi3FusesQkvAndGateUp) {
    const TestModelShape shape = testModelShape(TestArch::Phi3, TestShape::Tiny);
    const auto plan = planTestModel(TestArch::Phi3, shape, TestFileType::Q4_K_M, 512);
    EXPECT_EQ(find(plan, "blk.0.attn_q.weight"), nullptr);
    EXPECT_EQ(find(plan, "blk.0.ffn_gate.weight"), nullptr);
    ASSERT_NE(find(plan, "blk.0.attn_qkv.weight"), nullptr);
    EXPECT_EQ(find(plan, "blk.0.attn_qkv.weight")->dims, (std::vector<uint64_t>{256, 256 + 2 * 128}));
    EXPECT_EQ(find(plan, "blk.0.attn_qkv.weight")->type, TensorType::Q5_K);
    EXPECT_EQ(find(plan, "blk.0.ffn_up.weight")->dims, (std::vector<uint64_t>{256, 2 * 512}));
    const auto q5 = planTestModel(TestArch::Phi3, shape, TestFileType::Q5_K_M, 512);
    EXPECT_EQ(find(q5, "blk.0.attn_qkv.weight")->type, TensorType::Q6_K);
}

TEST(TestModelPlan, Qwen3HasPerHeadNormsAndNoBiases) {
    const TestModelShape shape = testModelShape(TestArch::Qwen3, TestShape::Tiny);
    const auto plan = planTestModel(TestArch::Qwen3, shape, TestFileType::Q8_0, 512);
    ASSERT_NE(find(plan, "blk.1.attn_q_norm.weight"), nullptr);
    EXPECT_EQ(find(plan, "blk.1.attn_q_norm.weight")->dims, (std::vector<uint64_t>{64}));
    EXPECT_EQ(find(plan, "blk.1.attn_k_norm.weight")->type, TensorType::F32);
    EXPECT_EQ(find(plan, "blk.0.attn_q.bias"), nullptr);
    const TestModelShape b8 = testModelShape(TestArch::Qwen3, TestShape::B8);
    EXPECT_EQ(b8.blockCount, 36u);
    EXPECT_EQ(b8.feedForwardLength, 12288u);
    EXPECT_EQ(b8.ropeFreqBase, 1000000.0f);
}

TEST(TestModelPlan, RowsThatCannotHoldSuperBlocksFallBack) {
    const std::vector<uint64_t> rows64 = {64, 128}, rows48 = {48, 128};
    EXPECT_EQ(chooseTestTensorType("blk.0.attn_q.weight", rows64, TestFileType::Q4_K_M, 4, 16, false), TensorType::Q5_0);
    EXPECT_EQ(chooseTestTensorType("blk.0.attn_q.weight", rows64, TestFileType::Q5_K_M, 4, 16, false), TensorType::Q5_1);
    EXPECT_EQ(chooseTestTensorType("blk.0.attn_v.weight", rows64, TestFileType::Q4_K_M, 0, 16, false), TensorType::Q8_0);
    EXPECT_EQ(chooseTestTensorType("blk.0.attn_q.weight", rows64, TestFileType::Q6_K, 4, 16, false), TensorType::Q8_0);
    EXPECT_EQ(chooseTestTensorType("output.weight", rows64, TestFileType::Q4_0, 0, 16, true), TensorType::Q8_0);
    EXPECT_EQ(chooseTestTensorType("blk.0.attn_q.weight", rows48, TestFileType::Q4_K_M, 4, 16, false), TensorType::F16);
    EXPECT_EQ(chooseTestTensorType("blk.0.attn_q.weight", rows48, TestFileType::Q4_0, 4, 16, false), TensorType::F16);
    EXPECT_EQ(chooseTestTensorType("blk.0.attn_norm.weight", {48}, TestFileType::Q4_0, 4, 16, false), TensorType::F32);
    EXPECT_EQ(chooseTestTensorType("blk.0.attn_q.weight", rows48, TestFileType::F16, 4, 16, false), TensorType::F16);
}

TEST(TestModelPlan, PureFilesUseOneTypeWithFallbacks) {
    const auto plan = planTestModel(TestArch::Llama, testModelShape(TestArch::Llama, TestShape::Tiny),
                                    TestFileType::F32, 512, TensorType::Q3_K);
    for (const auto& t : plan) EXPECT_EQ(t.type, t.dims.size() == 2 ? TensorType::Q3_K : TensorType::F32) << t.name;
    EXPECT_EQ(choosePureTensorType({64, 8}, TensorType::Q3_K), TensorType::IQ4_NL);
    EXPECT_EQ(choosePureTensorType({64, 8}, TensorType::Q2_K), TensorType::IQ4_NL);
    EXPECT_EQ(choosePureTensorType({64, 8}, TensorType::Q4_1), TensorType::Q4_1);
    EXPECT_EQ(choosePureTensorType({40, 8}, TensorType::Q4_1), TensorType::F16);
    EXPECT_EQ(choosePureTensorType({64}, TensorType::Q4_1), TensorType::F32);
    EXPECT_EQ(parsePureTestType("q3_k"), TensorType::Q3_K);
    EXPECT_EQ(parsePureTestType("IQ4_NL"), TensorType::IQ4_NL);
    EXPECT_EQ(parsePureTestType("bf16"), TensorType::BF16);
    EXPECT_EQ(parsePureTestType("q8_k"), std::nullopt);  // not a storage type
    EXPECT_EQ(parsePureTestType("iq2_xxs"), std::nullopt);  // no quantizer
}

TEST(TestModelPlan, NamesParse) {
    EXPECT_EQ(parseTestArch("qwen2"), TestArch::Qwen2);
    EXPECT_EQ(parseTestArch("gemma2"), std::nullopt);
    EXPECT_EQ(parseTestShape("125m"), TestShape::M125);
    EXPECT_EQ(parseTestShape("70b"), std::nullopt);
    EXPECT_EQ(parseTestFileType("q4_k_m"), TestFileType::Q4_K_M);
    EXPECT_EQ(parseTestFileType("q2_k"), std::nullopt);
    EXPECT_EQ(llamaFileTypeId(TestFileType::Q4_K_M), 15u);
    EXPECT_EQ(llamaFileTypeId(TestFileType::Q8_0), 7u);
}

}  // namespace
}  // namespace confidant::inference
