// Crafted model files (issue #18): hyperparameters whose products wrap, NaN or zero floats, layer
// counts far beyond the file's tensors, and contexts larger than memory are each refused with a
// message naming the key or limit, before anything trusts or allocates them.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "backend.h"
#include "checked_math.h"
#include "memory_check.h"
#include "model_config.h"
#include "tiny_model.h"

namespace confidant::inference {
namespace {

using testing::TinyModelSpec;

// The error of loading the tiny llama model with `extra` metadata, or "<loaded>".
std::string loadError(const std::function<void(GgufWriter&)>& extra) {
    const TinyModelSpec spec;
    const auto bytes = testing::tinyModelBytes(spec, testing::tinyLlamaWeights(spec), extra);
    auto file = GgufFile::fromMemory(bytes.data(), bytes.size());
    if (!file) return file.error().message;
    auto model = Model::fromGguf(*file);
    return model ? "<loaded>" : model.error().message;
}

TEST(CheckedMath, ProductsAndSumsReportOverflow) {
    EXPECT_EQ(checkedProduct({3, 5, 7}), 105u);
    EXPECT_EQ(checkedProduct({1ull << 32, 1ull << 32}), std::nullopt);
    EXPECT_EQ(checkedProduct({0, 1ull << 63, 4}), 0u);
    EXPECT_EQ(checkedSum({~0ull, 1}), std::nullopt);
    EXPECT_EQ(checkedSum({1, 2}), 3u);
    EXPECT_EQ(checkedProductAtMost({1u << 12, 1u << 12}, 1u << 24), 1u << 24);
    EXPECT_EQ(checkedProductAtMost({(1u << 12) + 1, 1u << 12}, 1u << 24), std::nullopt);
}

// head_count * key_length wrapped in 32 bits to 512, the shapes matched, and RoPE wrote far past
// the activation buffer.
TEST(HostileModel, HeadCountTimesHeadSizeBeyondTheLimitIsRefused) {
    const std::string error = loadError([](GgufWriter& w) {
        w.set("llama.attention.head_count", ggufUInt32((1u << 23) + 1));
        w.set("llama.attention.head_count_kv", ggufUInt32((1u << 23) + 1));
        w.set("llama.attention.key_length", ggufUInt32(512));
    });
    EXPECT_NE(error.find("llama.attention.head_count (8388609) times the head size (512) exceeds 16777216"),
              std::string::npos)
        << error;
}

TEST(HostileModel, NonFiniteOrZeroFloatHyperparametersAreRefused) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    EXPECT_NE(loadError([&](GgufWriter& w) { w.set("llama.attention.layer_norm_rms_epsilon", ggufFloat32(nan)); })
                  .find("'llama.attention.layer_norm_rms_epsilon' = nan is out of range"),
              std::string::npos);
    EXPECT_NE(loadError([](GgufWriter& w) { w.set("llama.attention.layer_norm_rms_epsilon", ggufFloat32(0)); })
                  .find("layer_norm_rms_epsilon"),
              std::string::npos);
    EXPECT_NE(loadError([](GgufWriter& w) { w.set("llama.rope.freq_base", ggufFloat32(0)); })
                  .find("'llama.rope.freq_base' = 0.000000 is out of range"),
              std::string::npos);
    EXPECT_NE(loadError([](GgufWriter& w) {
                  w.set("llama.rope.freq_base", ggufFloat32(std::numeric_limits<float>::infinity()));
              }).find("llama.rope.freq_base"),
              std::string::npos);
    EXPECT_NE(loadError([](GgufWriter& w) {
                  w.set("llama.rope.scaling.type", ggufString("llama3"));
                  w.set("llama.rope.scaling.low_freq_factor", ggufFloat32(2));
                  w.set("llama.rope.scaling.high_freq_factor", ggufFloat32(2));
              }).find("high_freq_factor must be greater than low_freq_factor"),
              std::string::npos);
    EXPECT_EQ(loadError({}), "<loaded>");
}

// block_count = 2^24 allocated 1.8 GB of layer slots before the first missing tensor was named.
TEST(HostileModel, ABlockCountBeyondTheTensorsFailsAtTheFirstMissingLayer) {
    const std::string error = loadError([](GgufWriter& w) { w.set("llama.block_count", ggufUInt32(1u << 24)); });
    EXPECT_NE(error.find("lacks the tensor 'blk.2.attn_norm.weight'"), std::string::npos) << error;
}

TEST(MemoryCheck, APlanBeyondTheAvailableMemoryIsRefusedWithBothSizes) {
    const uint64_t gib = uint64_t(1) << 30;
    EXPECT_TRUE(checkMemoryFor(gib, "the KV cache", 4 * gib));
    auto refused = checkMemoryFor(4 * gib, "the KV cache", 4 * gib);  // the headroom is kept
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("the KV cache needs 4096 MiB but only 4096 MiB of memory is available"),
              std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("smaller --ctx"), std::string::npos);
    EXPECT_FALSE(checkMemoryFor(100u << 20, "a buffer", 200u << 20));  // 256 MiB headroom at least
    ASSERT_TRUE(availableMemoryBytes().has_value());                     // Linux: /proc/meminfo
    EXPECT_GT(*availableMemoryBytes(), 0u);
}

// The reference backend zero-filled a KV cache of any --ctx; it now checks the plan first.
TEST(MemoryCheck, TheReferenceBackendRefusesAContextLargerThanMemory) {
    const TinyModelSpec spec;
    const auto bytes = testing::tinyModelBytes(spec, testing::tinyLlamaWeights(spec));
    auto model = testing::loadTinyModel(bytes);
    ASSERT_TRUE(model);
    auto backend = createReferenceBackend(model, 1);
    // 4 billion tokens x 32 floats x 2 layers x K and V: 2 TiB.
    auto context = backend->createContext(std::numeric_limits<uint32_t>::max());
    ASSERT_FALSE(context);
    EXPECT_NE(context.error().message.find("the KV cache of a 4294967295-token context needs"), std::string::npos)
        << context.error().message;
    EXPECT_TRUE(backend->createContext(64));
}

}  // namespace
}  // namespace confidant::inference
