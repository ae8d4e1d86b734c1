// RMSNorm, RoPE, KV store + attention, SwiGLU, add and last-row on the device against reference_ops,
// including positions that do not start at zero and grouped-query attention.
#include <algorithm>
#include <cmath>

#include "backend.h"
#include "reference/reference_ops.h"
#include "vulkan_test_support.h"

namespace confidant::vktest {
namespace {

// Runs `g` (its logits activation is the output) with `inputs` uploaded, returns the output.
// With `kernels`, the graph is planned with those instead of the device's default configuration.
std::vector<float> runGraph(Harness& harness, const Graph& g, const std::vector<std::pair<ActivationId, std::vector<float>>>& inputs,
                            uint32_t start, std::unique_ptr<GraphExecutor>* keep = nullptr,
                            const Kernels* kernels = nullptr) {
    std::unique_ptr<GraphExecutor> executor;
    if (kernels) {
        RopeTables rope;
        const ExecutorResources resources{*harness.gpu().device, *kernels, *harness.gpu().library, harness.weights(),
                                          harness.cache(), rope, *harness.gpu().transfer, k_guardWords};
        auto created = GraphExecutor::create(resources, g);
        EXPECT_TRUE(created) << created.error().message;
        if (!created) return {};
        executor = std::move(*created);
        for (size_t id = 0; id < g.activations.size(); ++id)
            harness.upload(*executor, ActivationId(id),
                           std::vector<float>(size_t(g.activations[id].rows) * g.activations[id].cols, 0.0f));
    } else {
        executor = harness.build(g);
    }
    if (!executor) return {};
    for (const auto& [id, values] : inputs) harness.upload(*executor, id, values);
    const ActivationDesc& out = g.activations[size_t(g.logits)];
    std::vector<float> result(size_t(out.rows) * out.cols);
    const std::vector<TokenId> tokens(g.tokenCount, 0);
    auto ran = executor->run({tokens, start}, result);
    EXPECT_TRUE(ran) << ran.error().message;
    EXPECT_TRUE(harness.guardIntact(*executor, g, g.logits)) << "a kernel wrote past the end of its output";
    if (keep) *keep = std::move(executor);
    return result;
}

TEST(OpsParity, RmsNorm) {
    CONFIDANT_REQUIRE_GPU();
    for (const uint32_t cols : {7u, 64u, 257u}) {
        const uint32_t rows = 5;
        std::mt19937 random(cols);
        TensorSet tensors;
        tensors.add("norm", TensorType::F32, {cols}, randomTensorBytes(TensorType::F32, cols, random, 1.0f));
        tensors.finish();
        Harness harness;
        ASSERT_TRUE(harness.addVector(tensors["norm"]));
        Graph g;
        g.tokenCount = rows;
        const ActivationId x = g.addActivation("x", rows, cols), y = g.addActivation("y", rows, cols);
        g.ops.push_back({.kind = OpKind::RmsNorm, .dst = y, .a = x, .weight = tensors["norm"], .epsilon = 1e-5f});
        g.logits = y;
        const auto input = randomFloats(size_t(rows) * cols, random, 2.0f);
        const auto actual = runGraph(harness, g, {{x, input}}, 0);
        std::vector<float> expected(actual.size());
        const auto weight = reference::dequantizeTensor(*tensors["norm"]);
        reference::rmsNorm(input.data(), weight.data(), expected.data(), rows, cols, 1e-5f);
        EXPECT_LE(nmse(expected, actual), 1e-6) << cols << " columns";
        EXPECT_TRUE(allFinite(actual));
    }
}

struct RopeCase {
    RopeStyle style;
    uint32_t headCount, headDim, dimensions, start;
    bool factors;
};

TEST(OpsParity, Rope) {
    CONFIDANT_REQUIRE_GPU();
    for (const RopeCase c : {RopeCase{RopeStyle::AdjacentPairs, 3, 8, 8, 0, false}, RopeCase{RopeStyle::AdjacentPairs, 2, 16, 16, 37, false},
                             RopeCase{RopeStyle::NeoX, 3, 12, 8, 5, false}, RopeCase{RopeStyle::AdjacentPairs, 4, 8, 8, 19, true}}) {
        const uint32_t rows = 6, width = c.headCount * c.headDim;
        std::mt19937 random(c.headDim + c.start);
        TensorSet tensors;
        std::vector<float> factorValues(c.dimensions / 2);
        for (size_t i = 0; i < factorValues.size(); ++i) factorValues[i] = 1.0f + float(i);
        tensors.add("rope_freqs", TensorType::F32, {c.dimensions / 2},
                    std::vector<uint8_t>(reinterpret_cast<uint8_t*>(factorValues.data()),
                                         reinterpret_cast<uint8_t*>(factorValues.data() + factorValues.size())));
        tensors.finish();
        Harness harness(1, 64);
        const RopeParams params{c.style, c.headCount, c.headDim, c.dimensions, 10000.0f, c.factors ? tensors["rope_freqs"] : nullptr};
        Graph g;
        g.tokenCount = rows;
        const ActivationId x = g.addActivation("x", rows, width);
        g.ops.push_back({.kind = OpKind::Rope, .dst = x, .a = x, .rope = params});
        g.logits = x;
        const auto input = randomFloats(size_t(rows) * width, random);
        const auto actual = runGraph(harness, g, {{x, input}}, c.start);
        std::vector<float> expected = input;
        reference::rope(expected.data(), rows, c.start, params, c.factors ? factorValues.data() : nullptr);
        EXPECT_LE(nmse(expected, actual), 1e-6) << "head dim " << c.headDim << ", start " << c.start;
    }
}

TEST(OpsParity, SwiGluAddAndLastRow) {
    CONFIDANT_REQUIRE_GPU();
    const uint32_t rows = 3, cols = 77;
    std::mt19937 random(3);
    Harness harness;
    Graph g;
    g.tokenCount = rows;
    const ActivationId a = g.addActivation("a", rows, cols), b = g.addActivation("b", rows, cols);
    const ActivationId s = g.addActivation("s", rows, cols), last = g.addActivation("last", 1, cols);
    g.ops.push_back({.kind = OpKind::SwiGlu, .dst = s, .a = a, .b = b});
    g.ops.push_back({.kind = OpKind::Add, .dst = s, .a = s, .b = a});
    g.ops.push_back({.kind = OpKind::LastRow, .dst = last, .a = s});
    g.logits = last;
    const auto inA = randomFloats(size_t(rows) * cols, random, 4.0f), inB = randomFloats(size_t(rows) * cols, random);
    std::unique_ptr<GraphExecutor> executor;
    const auto actualLast = runGraph(harness, g, {{a, inA}, {b, inB}}, 0, &executor);
    ASSERT_TRUE(executor);
    const auto actualAll = harness.download(*executor, g, s);
    EXPECT_TRUE(harness.guardIntact(*executor, g, s));

    std::vector<float> expected(size_t(rows) * cols);
    reference::swiGlu(inA.data(), inB.data(), expected.data(), expected.size());
    reference::add(expected.data(), inA.data(), expected.data(), expected.size());
    EXPECT_LE(nmse(expected, actualAll), 1e-6);
    const std::vector<float> expectedLast(expected.end() - cols, expected.end());
    EXPECT_LE(nmse(expectedLast, actualLast), 1e-6);
}

TEST(OpsParity, GeGluScaleAndSoftCap) {
    CONFIDANT_REQUIRE_GPU();
    const uint32_t rows = 2, cols = 101;
    std::mt19937 random(4);
    Harness harness;
    Graph g;
    g.tokenCount = rows;
    const ActivationId a = g.addActivation("a", rows, cols), b = g.addActivation("b", rows, cols);
    const ActivationId x = g.addActivation("x", rows, cols), y = g.addActivation("y", rows, cols);
    g.ops.push_back({.kind = OpKind::GeGlu, .dst = x, .a = a, .b = b});
    g.ops.push_back({.kind = OpKind::Scale, .dst = x, .a = x, .scalar = 3.5f});
    g.ops.push_back({.kind = OpKind::SoftCap, .dst = y, .a = x, .scalar = 2.0f});
    g.logits = y;
    const auto inA = randomFloats(size_t(rows) * cols, random, 4.0f), inB = randomFloats(size_t(rows) * cols, random);
    const auto actual = runGraph(harness, g, {{a, inA}, {b, inB}}, 0);

    std::vector<float> expected(size_t(rows) * cols);
    reference::geGlu(inA.data(), inB.data(), expected.data(), expected.size());
    reference::scale(expected.data(), 3.5f, expected.data(), expected.size());
    reference::softCap(expected.data(), 2.0f, expected.data(), expected.size());
    EXPECT_LE(nmse(expected, actual), 1e-6);
}

struct AttentionCase {
    uint32_t headCount, headCountKv, headDim;
    float softCap = 0.0f;
    uint32_t slidingWindow = 0;
};

// Tiled prompt attention and split decode attention under several workgroup shapes: key counts
// that are not multiples of the key tile or the split, query tiles that do not divide the batch,
// head sizes that are not multiples of the workgroup, more splits than key tiles.
TEST(OpsParity, AttentionOverTheKvCacheInSteps) {
    CONFIDANT_REQUIRE_GPU();
    struct Shape {
        uint32_t group, queryTile, splits;
    };
    for (const Shape shape : {Shape{8, 8, 1}, Shape{8, 3, 2}, Shape{32, 5, 7}}) {
        KernelConfig config = KernelConfig::forDevice(*Gpu::instance().device);
        config.attentionGroup = shape.group;
        config.attentionQueryTile = shape.queryTile;
        config.attentionSplits = shape.splits;
        auto kernels = Kernels::create(*Gpu::instance().library, config, {});
        ASSERT_TRUE(kernels) << kernels.error().message;
        for (const AttentionCase c : {AttentionCase{4, 2, 8}, AttentionCase{3, 3, 6}, AttentionCase{8, 1, 64},
                                      AttentionCase{2, 1, 130}, AttentionCase{4, 2, 10, 1.5f, 5}}) {
            const uint32_t kvDim = c.headCountKv * c.headDim, qDim = c.headCount * c.headDim, context = 64;
            const AttentionParams params{c.headCount, c.headCountKv, c.headDim, 1.0f / std::sqrt(float(c.headDim)),
                                         c.softCap, c.slidingWindow};
            Harness harness(2, context, kvDim);
            reference::KvLayer reference;
            reference.keys.assign(size_t(context) * kvDim, 0.0f);
            reference.values.assign(size_t(context) * kvDim, 0.0f);
            std::mt19937 random(c.headDim * 3 + c.headCount);
            reference::ThreadPool pool(1);

            // A prompt batch of 13 tokens at position 0, 3 more at 13, 1 at 16, 21 at 17, 1 at 38.
            uint32_t start = 0;
            for (const uint32_t rows : {13u, 3u, 1u, 21u, 1u}) {
                Graph g;
                g.tokenCount = rows;
                const ActivationId q = g.addActivation("q", rows, qDim), k = g.addActivation("k", rows, kvDim);
                const ActivationId v = g.addActivation("v", rows, kvDim), out = g.addActivation("out", rows, qDim);
                g.ops.push_back({.kind = OpKind::StoreKv, .a = k, .b = v, .layer = 1});
                g.ops.push_back({.kind = OpKind::Attention, .dst = out, .a = q, .layer = 1, .attention = params});
                g.logits = out;
                const auto inQ = randomFloats(size_t(rows) * qDim, random, 2.0f);
                const auto inK = randomFloats(size_t(rows) * kvDim, random, 2.0f);
                const auto inV = randomFloats(size_t(rows) * kvDim, random);
                const auto actual = runGraph(harness, g, {{q, inQ}, {k, inK}, {v, inV}}, start, nullptr, &*kernels);

                std::vector<float> expected(size_t(rows) * qDim);
                reference::storeKv(reference, kvDim, inK.data(), inV.data(), rows, start);
                reference::attention(inQ.data(), rows, start, reference, params, expected.data(), pool);
                EXPECT_LE(nmse(expected, actual), 5e-4)
                    << c.headCount << "/" << c.headCountKv << " heads of " << c.headDim << ", start " << start
                    << ", group " << shape.group << ", query tile " << shape.queryTile << ", splits " << shape.splits;
                EXPECT_TRUE(allFinite(actual));
                start += rows;
            }
        }
    }
}

// The device's greedy pick equals the host's on the same logits: the last row only, ties going to
// the lowest id, a vocabulary that is not a multiple of the workgroup.
TEST(OpsParity, ArgmaxOfTheLastRowMatchesTheHost) {
    CONFIDANT_REQUIRE_GPU();
    const uint32_t rows = 2, vocab = 50257;
    std::mt19937 random(5);
    for (const uint32_t tie : {7u, 30000u, vocab - 1}) {
        Harness harness;
        Graph g;
        g.tokenCount = rows;
        const ActivationId in = g.addActivation("in", rows, vocab), out = g.addActivation("out", rows, vocab);
        g.ops.push_back({.kind = OpKind::Scale, .dst = out, .a = in, .scalar = 1.0f});
        g.logits = out;
        auto values = randomFloats(size_t(rows) * vocab, random, 4.0f);
        values[123] = 9.0f;                         // the first row's maximum: ignored
        values[vocab + tie] = 5.0f;                 // the last row's, twice
        values[vocab + (tie * 3 + 11) % vocab] = 5.0f;
        auto executor = harness.build(g);
        ASSERT_TRUE(executor);
        harness.upload(*executor, in, values);
        const std::vector<TokenId> tokens(rows, 0);
        auto picked = executor->runArgmax({tokens, 0});
        ASSERT_TRUE(picked) << picked.error().message;
        const TokenId expected = BackendContext::greedyArgmax(std::span(values).subspan(vocab));
        EXPECT_EQ(*picked, expected);
        EXPECT_EQ(*picked, TokenId(std::min(tie, (tie * 3 + 11) % vocab)));
        // The logits path still works after the argmax one on the same recording.
        std::vector<float> logits(size_t(rows) * vocab);
        ASSERT_TRUE(executor->run({tokens, 0}, logits));
        EXPECT_EQ(logits, values);
    }
}

TEST(OpsParity, FullContextIsRefused) {
    CONFIDANT_REQUIRE_GPU();
    Harness harness(1, 8, 2);
    Graph g;
    g.tokenCount = 4;
    const ActivationId a = g.addActivation("a", 4, 2);
    g.ops.push_back({.kind = OpKind::Add, .dst = a, .a = a, .b = a});
    g.logits = a;
    auto executor = harness.build(g);
    ASSERT_TRUE(executor);
    std::vector<float> out(8);
    const std::vector<TokenId> tokens(4, 0);
    EXPECT_TRUE(executor->run({tokens, 4}, out));
    auto refused = executor->run({tokens, 5}, out);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("context window"), std::string::npos);
}

}  // namespace
}  // namespace confidant::vktest
