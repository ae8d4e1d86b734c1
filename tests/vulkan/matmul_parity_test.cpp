// Matrix products and embedding lookups on the device against reference_ops, for every supported weight
// type and for shapes that are not multiples of the block, tile or workgroup sizes.
#include <optional>
#include <ostream>
#include <set>

#include "reference/reference_ops.h"
#include "vulkan_test_support.h"

namespace confidant::vktest {
namespace {

struct MatMulCase {
    TensorType type;
    uint32_t inDim, outDim, rows;
    bool bias;
    uint64_t maxChunkBytes;  // 0: the device's limit; small values force split tensors
};

std::string caseName(const ::testing::TestParamInfo<MatMulCase>& info) {
    const MatMulCase& c = info.param;
    return std::string(tensorTypeName(c.type)) + "_" + std::to_string(c.inDim) + "x" + std::to_string(c.outDim) + "_rows" +
           std::to_string(c.rows) + (c.bias ? "_bias" : "") + (c.maxChunkBytes ? "_chunked" : "");
}

void PrintTo(const MatMulCase& c, std::ostream* out) {
    *out << tensorTypeName(c.type) << " " << c.inDim << "x" << c.outDim << " rows " << c.rows;
}

// The GPU workgroup shape (several invocations per row reduced through shared memory, tiles of 8
// tokens), built on whatever device runs the tests: lavapipe otherwise only runs the CPU shape.
const Kernels& gpuShapedKernels(const std::set<TensorType>& types) {
    static std::optional<Kernels> kernels = [&] {
        auto made = Kernels::create(*Gpu::instance().library, KernelConfig{}, types);
        EXPECT_TRUE(made) << made.error().message;
        return made ? std::optional<Kernels>(std::move(*made)) : std::nullopt;
    }();
    return *kernels;
}

// Runs y = x * w^T (+ b) for case `c` on the device with `kernels` (null: the device's own shape)
// and checks it against reference::matMul, for finite values and for writes past the output.
void checkMatMul(const MatMulCase& c, const Kernels* kernels) {
    std::mt19937 random(c.inDim * 131 + c.outDim * 7 + c.rows);
    TensorSet tensors;
    tensors.addRandom("w", c.type, c.inDim, c.outDim, random, 0.5f);
    tensors.add("b", TensorType::F32, {c.outDim}, randomTensorBytes(TensorType::F32, c.outDim, random, 1.0f));
    tensors.finish();
    Harness harness(1, 32, 2, c.maxChunkBytes);
    ASSERT_TRUE(harness.addMatrix(tensors["w"]));
    ASSERT_TRUE(harness.addVector(tensors["b"]));
    if (c.maxChunkBytes) {
        EXPECT_GT(harness.weights().matrix(tensors["w"])->chunks.size(), 2u);
    }

    Graph g;
    g.tokenCount = c.rows;
    const ActivationId x = g.addActivation("x", c.rows, c.inDim);
    const ActivationId y = g.addActivation("y", c.rows, c.outDim);
    g.ops.push_back({.kind = OpKind::MatMul, .dst = y, .a = x, .weight = tensors["w"], .bias = c.bias ? tensors["b"] : nullptr});
    g.logits = y;
    std::unique_ptr<GraphExecutor> executor;
    RopeTables rope;
    if (kernels) {
        Gpu& gpu = Gpu::instance();
        const ExecutorResources resources{*gpu.device, *kernels, *gpu.library, harness.weights(), harness.cache(), rope,
                                          *gpu.transfer, k_guardWords};
        auto created = GraphExecutor::create(resources, g);
        ASSERT_TRUE(created) << created.error().message;
        executor = std::move(*created);
        harness.upload(*executor, y, std::vector<float>(size_t(c.rows) * c.outDim, 0.0f));
    } else {
        executor = harness.build(g);
    }
    ASSERT_TRUE(executor);
    const std::vector<float> input = randomFloats(size_t(c.rows) * c.inDim, random);
    harness.upload(*executor, x, input);

    std::vector<float> actual(size_t(c.rows) * c.outDim);
    const std::vector<TokenId> tokens(c.rows, 0);
    auto ran = executor->run({tokens, 0}, actual);
    ASSERT_TRUE(ran) << ran.error().message;

    std::vector<float> expected(actual.size());
    const std::vector<float> bias = reference::dequantizeTensor(*tensors["b"]);
    reference::ThreadPool pool(1);
    reference::matMul(*tensors["w"], c.bias ? bias.data() : nullptr, input.data(), c.rows, expected.data(), pool);
    EXPECT_TRUE(allFinite(actual));
    const double error = nmse(expected, actual);
    EXPECT_LE(error, 5e-4);
    ::testing::Test::RecordProperty("nmse", scientific(error));
    EXPECT_TRUE(harness.guardIntact(*executor, g, y)) << "a kernel wrote past the end of its output";
}

class MatMulParity : public ::testing::TestWithParam<MatMulCase> {};

TEST_P(MatMulParity, MatchesReference) {
    CONFIDANT_REQUIRE_GPU();
    checkMatMul(GetParam(), nullptr);
}

class GpuShapedMatMulParity : public ::testing::TestWithParam<MatMulCase> {};

TEST_P(GpuShapedMatMulParity, MatchesReference) {
    CONFIDANT_REQUIRE_GPU();
    checkMatMul(GetParam(), &gpuShapedKernels({TensorType::BF16, TensorType::Q5_1, TensorType::Q3_K}));
}

// One type of each weight-reader family, one token and two tiles (8 + 3), rows that no workgroup
// of 4 rows divides; the float case has rows of 45 (a partial piece read element by element).
INSTANTIATE_TEST_SUITE_P(
    Types, GpuShapedMatMulParity,
    ::testing::Values(MatMulCase{TensorType::BF16, 45, 33, 1, true, 0}, MatMulCase{TensorType::BF16, 45, 33, 11, false, 0},
                      MatMulCase{TensorType::Q5_1, 96, 37, 1, false, 0}, MatMulCase{TensorType::Q5_1, 96, 37, 11, true, 0},
                      MatMulCase{TensorType::Q3_K, 512, 19, 1, false, 0}, MatMulCase{TensorType::Q3_K, 512, 19, 11, true, 0}),
    caseName);

INSTANTIATE_TEST_SUITE_P(
    Types, MatMulParity,
    ::testing::Values(
        MatMulCase{TensorType::F32, 64, 35, 1, false, 0}, MatMulCase{TensorType::F32, 45, 33, 5, true, 0},
        MatMulCase{TensorType::F32, 96, 70, 17, false, 0}, MatMulCase{TensorType::F16, 64, 35, 1, true, 0},
        MatMulCase{TensorType::F16, 33, 19, 9, false, 0}, MatMulCase{TensorType::F16, 128, 67, 13, false, 0},
        MatMulCase{TensorType::Q8_0, 64, 35, 1, false, 0}, MatMulCase{TensorType::Q8_0, 96, 37, 7, true, 0},
        MatMulCase{TensorType::Q8_0, 160, 67, 19, false, 0}, MatMulCase{TensorType::Q4_0, 64, 35, 1, false, 0},
        MatMulCase{TensorType::Q4_0, 96, 37, 7, true, 0}, MatMulCase{TensorType::Q4_0, 160, 67, 19, false, 0},
        MatMulCase{TensorType::Q6_K, 256, 35, 1, false, 0}, MatMulCase{TensorType::Q6_K, 512, 37, 7, true, 0},
        MatMulCase{TensorType::Q6_K, 768, 19, 11, false, 0}, MatMulCase{TensorType::Q6_K, 256, 41, 3, false, 2000},
        MatMulCase{TensorType::Q4_K, 256, 35, 1, false, 0}, MatMulCase{TensorType::Q4_K, 512, 37, 7, true, 0},
        MatMulCase{TensorType::Q4_K, 768, 19, 21, false, 0}, MatMulCase{TensorType::Q4_K, 256, 41, 3, false, 2000},
        // Split tensors: chunk boundaries fall inside the row range, and odd chunk sizes.
        MatMulCase{TensorType::Q4_0, 64, 101, 3, true, 700}, MatMulCase{TensorType::Q8_0, 64, 101, 1, false, 1000},
        MatMulCase{TensorType::F16, 40, 50, 9, false, 500}, MatMulCase{TensorType::F32, 32, 45, 2, false, 600}),
    caseName);

// The other types the CPU reference computes with: one token, a partial tile with a bias, more
// tokens than one tile (16 on CPU devices, 8 on GPUs) over row counts that no workgroup divides,
// and a tensor split into chunks.
INSTANTIATE_TEST_SUITE_P(
    MoreTypes, MatMulParity,
    ::testing::Values(
        MatMulCase{TensorType::BF16, 64, 35, 1, false, 0}, MatMulCase{TensorType::BF16, 45, 33, 5, true, 0},
        MatMulCase{TensorType::BF16, 96, 19, 17, false, 0}, MatMulCase{TensorType::BF16, 40, 50, 3, false, 500},
        MatMulCase{TensorType::Q4_1, 64, 35, 1, false, 0}, MatMulCase{TensorType::Q4_1, 96, 37, 7, true, 0},
        MatMulCase{TensorType::Q4_1, 160, 19, 19, false, 0}, MatMulCase{TensorType::Q4_1, 64, 101, 2, false, 700},
        MatMulCase{TensorType::Q5_0, 64, 35, 1, false, 0}, MatMulCase{TensorType::Q5_0, 96, 37, 7, true, 0},
        MatMulCase{TensorType::Q5_0, 160, 19, 19, false, 0}, MatMulCase{TensorType::Q5_0, 64, 101, 2, false, 700},
        MatMulCase{TensorType::Q5_1, 64, 35, 1, false, 0}, MatMulCase{TensorType::Q5_1, 96, 37, 7, true, 0},
        MatMulCase{TensorType::Q5_1, 160, 19, 19, false, 0}, MatMulCase{TensorType::Q5_1, 64, 101, 2, false, 700},
        MatMulCase{TensorType::IQ4_NL, 64, 35, 1, false, 0}, MatMulCase{TensorType::IQ4_NL, 96, 37, 7, true, 0},
        MatMulCase{TensorType::IQ4_NL, 160, 19, 19, false, 0}, MatMulCase{TensorType::IQ4_NL, 64, 101, 2, false, 700},
        MatMulCase{TensorType::Q2_K, 256, 35, 1, false, 0}, MatMulCase{TensorType::Q2_K, 512, 37, 7, true, 0},
        MatMulCase{TensorType::Q2_K, 768, 19, 17, false, 0}, MatMulCase{TensorType::Q2_K, 256, 41, 2, false, 1000},
        MatMulCase{TensorType::Q3_K, 256, 35, 1, false, 0}, MatMulCase{TensorType::Q3_K, 512, 37, 7, true, 0},
        MatMulCase{TensorType::Q3_K, 768, 19, 17, false, 0}, MatMulCase{TensorType::Q3_K, 256, 41, 2, false, 1000},
        MatMulCase{TensorType::Q5_K, 256, 35, 1, false, 0}, MatMulCase{TensorType::Q5_K, 512, 37, 7, true, 0},
        MatMulCase{TensorType::Q5_K, 768, 19, 17, false, 0}, MatMulCase{TensorType::Q5_K, 256, 41, 2, false, 2000},
        MatMulCase{TensorType::Q8_K, 256, 35, 1, false, 0}, MatMulCase{TensorType::Q8_K, 512, 37, 7, true, 0},
        MatMulCase{TensorType::Q8_K, 768, 19, 17, false, 0}, MatMulCase{TensorType::Q8_K, 256, 41, 2, false, 2000}),
    caseName);

class EmbedParity : public ::testing::TestWithParam<std::tuple<TensorType, uint64_t>> {};

TEST_P(EmbedParity, MatchesReference) {
    CONFIDANT_REQUIRE_GPU();
    const auto [type, maxChunkBytes] = GetParam();
    const bool isFloat = traitsOf(type).blockSize == 1;
    const uint32_t dim = isFloat ? 37 : traitsOf(type).blockSize == 256 ? 512 : 96, vocab = 53;
    std::mt19937 random(uint32_t(type) + 11);
    TensorSet tensors;
    tensors.addRandom("table", type, dim, vocab, random, 1.0f);
    tensors.finish();
    Harness harness(1, 8, 2, maxChunkBytes);
    ASSERT_TRUE(harness.addMatrix(tensors["table"]));

    const std::vector<TokenId> tokens = {0, 52, 17, 17, 3, 40, 25};
    Graph g;
    g.tokenCount = uint32_t(tokens.size());
    const ActivationId x = g.addActivation("x", g.tokenCount, dim);
    g.ops.push_back({.kind = OpKind::Embed, .dst = x, .weight = tensors["table"]});
    g.logits = x;
    auto executor = harness.build(g);
    ASSERT_TRUE(executor);
    std::vector<float> actual(size_t(g.tokenCount) * dim);
    auto ran = executor->run({tokens, 0}, actual);
    ASSERT_TRUE(ran) << ran.error().message;

    std::vector<float> expected(actual.size());
    reference::embed(*tensors["table"], tokens, expected.data());
    EXPECT_LE(nmse(expected, actual), 1e-6);
    EXPECT_TRUE(allFinite(actual));
    EXPECT_TRUE(harness.guardIntact(*executor, g, x));

    const std::vector<TokenId> outside(tokens.size(), TokenId(vocab));
    EXPECT_FALSE(executor->run({outside, 0}, actual)) << "a token id outside the vocabulary must be refused";
}

INSTANTIATE_TEST_SUITE_P(Types, EmbedParity,
                         ::testing::Combine(::testing::ValuesIn(deviceMatrixTypes()),
                                            ::testing::Values(uint64_t(0), uint64_t(2000))));

TEST(WeightStore, EveryTypeTheCpuComputesWithHasKernels) {
    for (uint32_t id = 0; id < 64; ++id) {
        const auto traits = tensorTypeTraits(id);
        if (traits && traits->dequantize) {
            EXPECT_TRUE(isDeviceMatrixType(traits->type)) << traits->name;
        }
    }
}

TEST(WeightStore, RefusesTypesWithoutKernelsNamingTheTensor) {
    CONFIDANT_REQUIRE_GPU();
    std::mt19937 random(5);
    TensorSet tensors;
    tensors.add("blk.0.attn_q.weight", TensorType::IQ2_XXS, {256, 2}, std::vector<uint8_t>(132, 0));
    tensors.finish();
    Harness harness;
    auto added = harness.addMatrix(tensors["blk.0.attn_q.weight"]);
    ASSERT_FALSE(added);
    EXPECT_NE(added.error().message.find("blk.0.attn_q.weight"), std::string::npos) << added.error().message;
    EXPECT_NE(added.error().message.find("IQ2_XXS"), std::string::npos) << added.error().message;
}

}  // namespace
}  // namespace confidant::vktest
