// The GGUF reader: valid files parse with every value type, and every malformed file (each
// truncation point, each corrupted field) is refused with a message naming the problem.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <unistd.h>

#include "gguf_file.h"
#include "gguf_writer.h"

namespace confidant::inference {
namespace {

// Builds GGUF bytes field by field, so that tests can write exactly the broken file they need.
class RawGguf {
public:
    RawGguf& u8(uint8_t v) { return put(v); }
    RawGguf& u32(uint32_t v) { return put(v); }
    RawGguf& u64(uint64_t v) { return put(v); }
    RawGguf& f32(float v) { return put(v); }
    RawGguf& str(std::string_view s) {
        u64(s.size());
        bytes.insert(bytes.end(), s.begin(), s.end());
        return *this;
    }
    RawGguf& header(uint32_t version, uint64_t tensors, uint64_t kvs) { return u32(0x46554747).u32(version).u64(tensors).u64(kvs); }
    RawGguf& pad(size_t alignment = 32) {
        while (bytes.size() % alignment) bytes.push_back(0);
        return *this;
    }
    RawGguf& zeros(size_t n) {
        bytes.insert(bytes.end(), n, 0);
        return *this;
    }
    std::vector<uint8_t> bytes;

private:
    template <typename T>
    RawGguf& put(T v) {
        const size_t at = bytes.size();
        bytes.resize(at + sizeof(T));
        std::memcpy(bytes.data() + at, &v, sizeof(T));
        return *this;
    }
};

Result<std::shared_ptr<const GgufFile>> parse(const std::vector<uint8_t>& bytes) {
    return GgufFile::fromMemory(bytes.data(), bytes.size());
}

std::string errorOf(const std::vector<uint8_t>& bytes) {
    auto r = parse(bytes);
    return r ? std::string("<parsed>") : r.error().message;
}

// A valid file with every scalar type, a nested array and two tensors (F32 and Q8_0).
GgufWriter sampleWriter() {
    GgufWriter w;
    w.set("general.architecture", ggufString("llama"));
    GgufValue u8; u8.type = GgufType::UInt8; u8.uintValue = 200;
    GgufValue i8; i8.type = GgufType::Int8; i8.intValue = -5;
    GgufValue u16; u16.type = GgufType::UInt16; u16.uintValue = 60000;
    GgufValue i16; i16.type = GgufType::Int16; i16.intValue = -30000;
    GgufValue i64; i64.type = GgufType::Int64; i64.intValue = -(int64_t(1) << 40);
    GgufValue f64; f64.type = GgufType::Float64; f64.floatValue = 2.5e-7;
    w.set("test.u8", u8);
    w.set("test.i8", i8);
    w.set("test.u16", u16);
    w.set("test.i16", i16);
    w.set("test.u32", ggufUInt32(4000000000u));
    w.set("test.i32", ggufInt32(-7));
    w.set("test.u64", ggufUInt64(uint64_t(1) << 50));
    w.set("test.i64", i64);
    w.set("test.f32", ggufFloat32(0.25f));
    w.set("test.f64", f64);
    w.set("test.bool", ggufBool(true));
    w.set("test.strings", ggufStringArray({"a", "", "ü"}));
    w.set("test.nested", ggufArray(GgufType::Array, {ggufArray(GgufType::Int32, {ggufInt32(1), ggufInt32(2)}),
                                                      ggufArray(GgufType::Int32, {ggufInt32(3)})}));
    std::vector<uint8_t> f32Data(4 * 3 * sizeof(float));
    for (size_t i = 0; i < 12; ++i) {
        const float v = float(i) - 5.5f;
        std::memcpy(f32Data.data() + i * 4, &v, 4);
    }
    w.addTensor("weights.f32", TensorType::F32, {4, 3}, f32Data);
    w.addTensor("weights.q8", TensorType::Q8_0, {64, 2}, std::vector<uint8_t>(4 * 34, 1));
    return w;
}

TEST(GgufFile, ParsesEveryValueTypeAndTensorInfo) {
    const auto bytes = sampleWriter().toBytes();
    auto file = parse(bytes);
    ASSERT_TRUE(file) << file.error().message;
    const GgufFile& f = **file;
    EXPECT_EQ(f.version(), 3u);
    EXPECT_EQ(*f.getString("general.architecture"), "llama");
    EXPECT_EQ(*f.getUInt("test.u8"), 200u);
    EXPECT_EQ(*f.getInt("test.i8"), -5);
    EXPECT_EQ(*f.getUInt("test.u16"), 60000u);
    EXPECT_EQ(*f.getInt("test.i16"), -30000);
    EXPECT_EQ(*f.getUInt("test.u32"), 4000000000u);
    EXPECT_EQ(*f.getInt("test.i32"), -7);
    EXPECT_EQ(*f.getUInt("test.u64"), uint64_t(1) << 50);
    EXPECT_EQ(*f.getInt("test.i64"), -(int64_t(1) << 40));
    EXPECT_FLOAT_EQ(float(*f.getFloat("test.f32")), 0.25f);
    EXPECT_DOUBLE_EQ(*f.getFloat("test.f64"), 2.5e-7);
    EXPECT_TRUE(*f.getBool("test.bool"));
    EXPECT_EQ(*f.getStringArray("test.strings"), (std::vector<std::string>{"a", "", "ü"}));
    const GgufValue* nested = f.find("test.nested");
    ASSERT_NE(nested, nullptr);
    EXPECT_EQ(nested->describeType(), "array of array");
    ASSERT_EQ(nested->items.size(), 2u);
    EXPECT_EQ(nested->items[0].element(1).intValue, 2);
    EXPECT_EQ(nested->items[1].element(0).intValue, 3);

    ASSERT_EQ(f.tensors().size(), 2u);
    const GgufTensorInfo* t = f.findTensor("weights.f32");
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->type, TensorType::F32);
    EXPECT_EQ(t->dims, (std::vector<uint64_t>{4, 3}));
    EXPECT_EQ(t->elementCount, 12u);
    EXPECT_EQ(t->byteSize, 48u);
    EXPECT_EQ(t->rows(), 3u);
    float third;
    std::memcpy(&third, t->data + 8, 4);
    EXPECT_FLOAT_EQ(third, -3.5f);
    const GgufTensorInfo* q = f.findTensor("weights.q8");
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->byteSize, 4u * 34u);
    EXPECT_EQ((q->data - bytes.data()) % 32, 0) << "tensor data must be aligned";
    EXPECT_EQ(f.findTensor("missing"), nullptr);
}

TEST(GgufFile, TypedAccessExplainsMissingKeysAndWrongTypes) {
    const auto bytes = sampleWriter().toBytes();
    auto file = parse(bytes);
    ASSERT_TRUE(file);
    const GgufFile& f = **file;
    auto missing = f.getUInt("llama.block_count");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "metadata key 'llama.block_count' is missing");
    auto wrong = f.getUInt("general.architecture");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().message, "metadata key 'general.architecture' has type string, expected an integer");
    auto negative = f.getUInt("test.i32");
    ASSERT_FALSE(negative);
    EXPECT_NE(negative.error().message.find("negative"), std::string::npos);
    auto notStrings = f.getStringArray("test.nested");
    ASSERT_FALSE(notStrings);
    EXPECT_NE(notStrings.error().message.find("array of array"), std::string::npos);
    auto optional = f.getOptional<bool>("test.absent", &GgufFile::getBool);
    ASSERT_TRUE(optional);
    EXPECT_FALSE(optional->has_value());
}

TEST(GgufFile, EveryTruncationIsRefusedWithoutReadingPastTheEnd) {
    const auto bytes = sampleWriter().toBytes();
    auto full = parse(bytes);
    ASSERT_TRUE(full);
    // The file may end in alignment padding after the last tensor; cuts inside it are harmless.
    uint64_t needed = 0;
    for (const auto& t : (*full)->tensors()) needed = std::max<uint64_t>(needed, (*full)->dataOffset() + t.offset + t.byteSize);
    for (size_t length = 0; length < needed; ++length) {
        // A fresh heap copy of exactly `length` bytes, so that AddressSanitizer catches any read past it.
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + ptrdiff_t(length));
        cut.shrink_to_fit();
        auto r = parse(cut);
        ASSERT_FALSE(r) << "a file cut to " << length << " bytes was accepted";
        const std::string& m = r.error().message;
        EXPECT_TRUE(m.find("truncated") != std::string::npos || m.find("empty") != std::string::npos ||
                    m.find("cannot fit") != std::string::npos || m.find("remain") != std::string::npos)
            << "at length " << length << ": " << m;
    }
    for (size_t length = needed; length <= bytes.size(); ++length) {
        std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + ptrdiff_t(length));
        EXPECT_TRUE(parse(cut)) << "cut to " << length << " of " << bytes.size();
    }
}

TEST(GgufFile, TruncationMessagesNameTheSection) {
    const auto bytes = sampleWriter().toBytes();
    EXPECT_EQ(errorOf({}), "the file is empty");
    EXPECT_NE(errorOf({bytes.begin(), bytes.begin() + 2}).find("magic number"), std::string::npos);
    EXPECT_NE(errorOf({bytes.begin(), bytes.begin() + 6}).find("version"), std::string::npos);
    EXPECT_NE(errorOf({bytes.begin(), bytes.begin() + 12}).find("tensor count"), std::string::npos);
    EXPECT_NE(errorOf({bytes.begin(), bytes.begin() + 30}).find("bad metadata count"), std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1).u64(100).u32(0).bytes).find("bad length of key of metadata entry 0"),
              std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1).str("key").u32(4).bytes).find("value of metadata key 'key' needs 4 byte(s)"),
              std::string::npos);
    auto file = parse(bytes);
    const uint64_t lastData = (*file)->dataOffset() + (*file)->findTensor("weights.q8")->offset;
    EXPECT_NE(errorOf({bytes.begin(), bytes.begin() + ptrdiff_t(lastData) + 10}).find("tensor 'weights.q8'"), std::string::npos);
}

TEST(GgufFile, RefusesBadMagicAndVersions) {
    EXPECT_NE(errorOf(RawGguf().u32(0x12345678).u32(3).u64(0).u64(0).bytes).find("does not start with \"GGUF\""),
              std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(1, 0, 0).bytes).find("version 1 is obsolete"), std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(4, 0, 0).bytes).find("unsupported GGUF version 4"), std::string::npos);
    EXPECT_TRUE(parse(RawGguf().header(2, 0, 0).bytes)) << "version 2 is supported";
    EXPECT_TRUE(parse(RawGguf().header(3, 0, 0).bytes));
}

TEST(GgufFile, RefusesCountsThatCannotFit) {
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1ull << 60).bytes).find("bad metadata count"), std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(3, ~0ull, 0).bytes).find("bad tensor count"), std::string::npos);
    // A string whose declared length exceeds the file.
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1).u64(1ull << 62).u32(0).bytes).find("bad length of key of metadata entry 0"),
              std::string::npos);
    // An array declaring more elements than bytes remain.
    const auto arrayTooLong = RawGguf().header(3, 0, 1).str("k").u32(9).u32(4).u64(1ull << 40).u32(1).bytes;
    EXPECT_NE(errorOf(arrayTooLong).find("bad element count of value of metadata key 'k'"), std::string::npos);
}

TEST(GgufFile, RefusesBadValueTypes) {
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1).str("k").u32(13).u32(0).bytes).find("bad value type of metadata key 'k'"),
              std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1).str("k").u32(9).u32(77).u64(0).bytes).find("bad element type"),
              std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1).str("k").u32(7).u8(2).bytes).find("a bool must be 0 or 1"),
              std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 2).str("k").u32(4).u32(1).str("k").u32(4).u32(2).bytes).find("duplicate metadata key 'k'"),
              std::string::npos);
    // Arrays nested without end are bounded.
    RawGguf deep;
    deep.header(3, 0, 1).str("deep").u32(9);
    for (int i = 0; i < 20; ++i) deep.u32(9).u64(1);
    deep.zeros(64);
    EXPECT_NE(errorOf(deep.bytes).find("nested deeper"), std::string::npos);
}

TEST(GgufFile, RefusesBadAlignment) {
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1).str("general.alignment").u32(4).u32(24).bytes).find("not a power of two"),
              std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1).str("general.alignment").u32(6).f32(32).bytes).find("expected uint32"),
              std::string::npos);
    EXPECT_NE(errorOf(RawGguf().header(3, 0, 1).str("general.alignment").u32(4).u32(0).bytes).find("not a power of two"),
              std::string::npos);
}

// One tensor "t" with the given info fields, followed by enough data for `dataBytes`.
std::vector<uint8_t> oneTensor(std::vector<uint64_t> dims, uint32_t type, uint64_t offset, size_t dataBytes,
                               uint32_t nDims = 0) {
    RawGguf g;
    g.header(3, 1, 0).str("t").u32(nDims ? nDims : uint32_t(dims.size()));
    for (uint64_t d : dims) g.u64(d);
    g.u32(type).u64(offset).pad().zeros(dataBytes);
    return g.bytes;
}

TEST(GgufFile, RefusesBadTensorInfos) {
    EXPECT_TRUE(parse(oneTensor({8, 2}, 0, 0, 64)));
    EXPECT_NE(errorOf(oneTensor({}, 0, 0, 64, 0)).find("bad dimension count of tensor 't': 0"), std::string::npos);
    EXPECT_NE(errorOf(oneTensor({1, 1, 1, 1, 1}, 0, 0, 64)).find("bad dimension count of tensor 't': 5"), std::string::npos);
    EXPECT_NE(errorOf(oneTensor({8, 0}, 0, 0, 64)).find("bad dimension 1 of tensor 't': 0"), std::string::npos);
    EXPECT_NE(errorOf(oneTensor({1ull << 32, 1ull << 32}, 0, 0, 64)).find("overflows"), std::string::npos);
    EXPECT_NE(errorOf(oneTensor({8, 2}, 99, 0, 64)).find("99 is not a known GGML tensor type"), std::string::npos);
    EXPECT_NE(errorOf(oneTensor({30, 2}, 8, 0, 256)).find("not a multiple of the Q8_0 block size 32"), std::string::npos);
    EXPECT_NE(errorOf(oneTensor({8, 2}, 0, 4, 64)).find("not a multiple of the alignment"), std::string::npos);
    EXPECT_NE(errorOf(oneTensor({8, 2}, 0, 0, 63)).find("lies past the end"), std::string::npos);
    EXPECT_NE(errorOf(oneTensor({8, 2}, 0, 1ull << 62, 64)).find("lies past the end"), std::string::npos);
    EXPECT_NE(errorOf(oneTensor({1ull << 40}, 0, 0, 64)).find("lies past the end"), std::string::npos);

    RawGguf dup;
    dup.header(3, 2, 0).str("t").u32(1).u64(8).u32(0).u64(0).str("t").u32(1).u64(8).u32(0).u64(32).pad().zeros(64);
    EXPECT_NE(errorOf(dup.bytes).find("duplicate tensor 't'"), std::string::npos);
}

TEST(GgufFile, RefusesByteSizesThatOverflowAndOverlappingTensors) {
    // 2^62 F32 elements fit 64 bits; their 2^64 bytes do not.
    EXPECT_NE(errorOf(oneTensor({1ull << 31, 1ull << 31}, 0, 0, 64)).find("its size in bytes overflows 64 bits"),
              std::string::npos);

    RawGguf overlap;  // two 8-float tensors, the second starting inside the first
    overlap.header(3, 2, 0).str("a").u32(1).u64(8).u32(0).u64(0).str("b").u32(1).u64(8).u32(0).u64(0).pad().zeros(64);
    EXPECT_NE(errorOf(overlap.bytes).find("the data of tensor 'b' (at data offset 0) overlaps that of tensor 'a'"),
              std::string::npos)
        << errorOf(overlap.bytes);
    RawGguf adjacent;
    adjacent.header(3, 2, 0).str("a").u32(1).u64(8).u32(0).u64(0).str("b").u32(1).u64(8).u32(0).u64(32).pad().zeros(64);
    EXPECT_TRUE(parse(adjacent.bytes));
}

// A header's memory is proportional to its size: numeric arrays stay packed (a GgufValue per
// element of a 25 MB uint8 array took 2.1 GB), and what metadata may hold is bounded.
TEST(GgufFile, NumericArraysStayPackedAndMetadataMemoryIsBounded) {
    const uint64_t count = 25'000'000;
    RawGguf big;
    big.header(3, 0, 2).str("big").u32(9).u32(0).u64(count);  // array of uint8
    const size_t at = big.bytes.size();
    big.zeros(count);
    big.bytes[at + 7] = 200;
    big.str("small").u32(9).u32(5).u64(3).u32(uint32_t(-1)).u32(2).u32(3);  // array of int32
    auto file = parse(big.bytes);
    ASSERT_TRUE(file) << file.error().message;
    const GgufValue* v = (*file)->find("big");
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->arraySize(), count);
    EXPECT_TRUE(v->items.empty());
    EXPECT_EQ(v->packed.size(), count);  // one byte per element, as in the file
    EXPECT_EQ(v->element(7).uintValue, 200u);
    EXPECT_EQ(*(*file)->getIntArray("small"), (std::vector<int64_t>{-1, 2, 3}));

    RawGguf bools;
    bools.header(3, 0, 1).str("b").u32(9).u32(7).u64(3).u8(1).u8(0).u8(2);
    EXPECT_NE(errorOf(bools.bytes).find("bad value of metadata key 'b'[2]: a bool must be 0 or 1"), std::string::npos)
        << errorOf(bools.bytes);

    // Empty strings cost 8 bytes in the file but a GgufValue each in memory: enough of them to
    // pass the 512 MiB limit are refused before anything is allocated for them.
    const uint64_t strings = (uint64_t(512) << 20) / sizeof(GgufValue) + 1;
    RawGguf manyStrings;
    manyStrings.header(3, 0, 1).str("tokens").u32(9).u32(8).u64(strings).zeros(strings * 8);
    EXPECT_NE(errorOf(manyStrings.bytes).find("the metadata needs more than 512 MiB of memory"), std::string::npos)
        << errorOf(manyStrings.bytes);
}

TEST(GgufFile, ARoundTripKeepsPackedArrays) {
    RawGguf raw;
    raw.header(3, 0, 1).str("scores").u32(9).u32(6).u64(2).f32(0.5f).f32(-2.0f);
    auto file = parse(raw.bytes);
    ASSERT_TRUE(file);
    GgufWriter w;
    w.copyMetadataFrom(**file, {"scores"});
    const auto bytes = w.toBytes();
    auto again = parse(bytes);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(*(*again)->getFloatArray("scores"), (std::vector<double>{0.5, -2.0}));
}

TEST(GgufFile, OpenRefusesAFifoWithoutBlocking) {
    const auto path = std::filesystem::temp_directory_path() / ("confidant_gguf_fifo_" + std::to_string(::getpid()));
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    auto fifo = GgufFile::open(path.string());  // would block forever in open() before the fix
    std::filesystem::remove(path);
    ASSERT_FALSE(fifo);
    EXPECT_NE(fifo.error().message.find("is not a regular file; choose a .gguf model file"), std::string::npos);
}

TEST(GgufFile, OpenReportsFileProblemsWithThePath) {
    auto missing = GgufFile::open("/nonexistent/model.gguf");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("cannot open '/nonexistent/model.gguf'"), std::string::npos);
    auto directory = GgufFile::open("/tmp");
    ASSERT_FALSE(directory);
    EXPECT_NE(directory.error().message.find("not a regular file"), std::string::npos);

    const auto path = std::filesystem::temp_directory_path() / "confidant_gguf_test_text.gguf";
    std::ofstream(path) << "this is not a model";
    auto text = GgufFile::open(path.string());
    std::filesystem::remove(path);
    ASSERT_FALSE(text);
    EXPECT_NE(text.error().message.find("is not a valid GGUF model: bad magic number"), std::string::npos);
}

TEST(GgufFile, WriterOutputRoundTripsThroughAFile) {
    const auto path = std::filesystem::temp_directory_path() / "confidant_gguf_roundtrip.gguf";
    ASSERT_TRUE(sampleWriter().writeFile(path.string()));
    auto file = GgufFile::open(path.string());
    std::filesystem::remove(path);
    ASSERT_TRUE(file) << file.error().message;
    EXPECT_EQ((*file)->tensors().size(), 2u);
    EXPECT_EQ(*(*file)->getInt("test.i32"), -7);
}

}  // namespace
}  // namespace confidant::inference
