// The staging ring: bytes and weight matrices many times larger than a staging slot, and split into
// several device chunks, arrive bit-exact; concurrent uploads through one Transfer stay apart.
#include <cstring>
#include <thread>

#include "vulkan_test_support.h"

namespace confidant::vktest {
namespace {

Transfer smallRing(VkDeviceSize slotBytes, uint32_t slots = 3) {
    auto transfer = Transfer::create(*Gpu::instance().device, slotBytes, slots);
    EXPECT_TRUE(transfer) << transfer.error().message;
    return std::move(*transfer);
}

Buffer deviceBuffer(VkDeviceSize size) {
    auto buffer = Buffer::create(*Gpu::instance().device, size, MemoryKind::DeviceLocal, "a test buffer");
    EXPECT_TRUE(buffer) << buffer.error().message;
    return std::move(*buffer);
}

std::vector<uint8_t> randomBytes(size_t count, uint32_t seed) {
    std::mt19937 random(seed);
    std::vector<uint8_t> bytes(count);
    for (uint8_t& b : bytes) b = uint8_t(random());
    return bytes;
}

std::vector<uint8_t> downloadAll(const Buffer& buffer) {
    std::vector<uint8_t> bytes(buffer.size());
    auto downloaded = Gpu::instance().transfer->download(buffer, bytes);
    EXPECT_TRUE(downloaded) << downloaded.error().message;
    return bytes;
}

TEST(Transfer, BytesLargerThanTheWholeRingRoundTripExactly) {
    CONFIDANT_REQUIRE_GPU();
    Transfer transfer = smallRing(4096);
    const std::vector<uint8_t> bytes = randomBytes(100 * 1024 + 12, 1);
    Buffer buffer = deviceBuffer(bytes.size() + 20);
    ASSERT_TRUE(transfer.upload(buffer, bytes, 20));
    std::vector<uint8_t> back(bytes.size());
    auto downloaded = transfer.download(buffer, back, 20);  // through the same small slots
    ASSERT_TRUE(downloaded) << downloaded.error().message;
    EXPECT_EQ(back, bytes);
}

TEST(Transfer, RefusesPiecesLargerThanASlot) {
    CONFIDANT_REQUIRE_GPU();
    Transfer transfer = smallRing(256);
    Buffer buffer = deviceBuffer(1024);
    const VkBufferCopy region{0, 0, 512};
    auto queued = transfer.enqueue(buffer, 512, {&region, 1}, [](uint8_t*) {});
    ASSERT_FALSE(queued);
    EXPECT_NE(queued.error().message.find("does not fit the staging slots"), std::string::npos)
        << queued.error().message;
}

TEST(Transfer, StagingThatCannotBeAllocatedIsAnErrorAndTheRingStaysUsable) {
    CONFIDANT_REQUIRE_GPU();
    Transfer huge = smallRing(VkDeviceSize(1) << 40);  // 1 TiB a slot: no device has that to map
    Buffer buffer = deviceBuffer(64);
    const std::vector<uint8_t> bytes = randomBytes(64, 4);
    auto uploaded = huge.upload(buffer, bytes);
    ASSERT_FALSE(uploaded);
    EXPECT_NE(uploaded.error().message.find("staging buffer"), std::string::npos) << uploaded.error().message;
    Transfer fine = smallRing(4096);
    ASSERT_TRUE(fine.upload(buffer, bytes));
    EXPECT_EQ(downloadAll(buffer), bytes);
}

TEST(Transfer, UploadsFromTwoThreadsThroughOneRingStayApart) {
    CONFIDANT_REQUIRE_GPU();
    Transfer transfer = smallRing(1024, 2);
    const std::vector<uint8_t> first = randomBytes(9000, 2), second = randomBytes(7000, 3);
    Buffer a = deviceBuffer(first.size()), b = deviceBuffer(second.size());
    auto uploadRepeatedly = [&](const Buffer& dst, const std::vector<uint8_t>& bytes, bool& ok) {
        ok = true;
        for (int i = 0; i < 10; ++i) ok = ok && bool(transfer.upload(dst, bytes));
    };
    bool okA = false, okB = false;
    std::thread other([&] { uploadRepeatedly(a, first, okA); });
    uploadRepeatedly(b, second, okB);
    other.join();
    EXPECT_TRUE(okA);
    EXPECT_TRUE(okB);
    EXPECT_EQ(downloadAll(a), first);
    EXPECT_EQ(downloadAll(b), second);
}

// What weights_q8.glsl reads for rows [rowBegin, rowBegin+rows) of a Q8_0 matrix, written out from
// the file's blocks here: every block's 32 quants, then every block's fp16 scale, zero-padded to 4.
std::vector<uint8_t> expectedQ8_0Chunk(const GgufTensorInfo& t, uint32_t rowBegin, uint32_t rows) {
    const uint32_t blockBytes = traitsOf(TensorType::Q8_0).blockBytes;
    const size_t blocks = size_t(rows) * (t.dims[0] / 32);
    const uint8_t* first = t.data + size_t(rowBegin) * (t.dims[0] / 32) * blockBytes;
    std::vector<uint8_t> out(blocks * 32 + (blocks * 2 + 3) / 4 * 4, 0);
    for (size_t b = 0; b < blocks; ++b) {
        std::memcpy(out.data() + b * 32, first + b * blockBytes + 2, 32);
        std::memcpy(out.data() + blocks * 32 + b * 2, first + b * blockBytes, 2);
    }
    return out;
}

// F16 rows padded to a multiple of 32 elements with zeros.
std::vector<uint8_t> expectedF16Chunk(const GgufTensorInfo& t, uint32_t rowBegin, uint32_t rows) {
    const size_t rowLength = t.dims[0], padded = (rowLength + 31) / 32 * 32;
    std::vector<uint8_t> out(rows * padded * 2, 0);
    for (uint32_t r = 0; r < rows; ++r)
        std::memcpy(out.data() + r * padded * 2, t.data + (rowBegin + r) * rowLength * 2, rowLength * 2);
    return out;
}

// Slot sizes chosen so that groups of rows end on odd and even block counts, and the last group of
// a chunk with an odd block count is even (the scale padding is then written by the upload itself).
class StreamedMatrix : public ::testing::TestWithParam<VkDeviceSize> {};

TEST_P(StreamedMatrix, SplitIntoChunksAndManySlotsArrivesBitExact) {
    CONFIDANT_REQUIRE_GPU();
    std::mt19937 random(7);
    TensorSet tensors;
    tensors.addRandom("q8", TensorType::Q8_0, 96, 37, random, 0.5f);  // 3 blocks a row: odd counts
    tensors.addRandom("f16", TensorType::F16, 40, 33, random, 0.5f);
    tensors.addRandom("q6k", TensorType::Q6_K, 256, 13, random, 0.5f);
    tensors.addRandom("q4k", TensorType::Q4_K, 256, 19, random, 0.5f);
    tensors.finish();
    const Device& device = *Gpu::instance().device;
    Transfer transfer = smallRing(GetParam());
    // whole: each chunk in one piece; inPlace: written straight into mapped device memory where
    // the device allows it (lavapipe does), staged elsewhere.
    WeightStore streamed(device, 1024, MatrixUpload::Staged), whole(device, 1024, MatrixUpload::Staged),
        inPlace(device, 1024, MatrixUpload::Automatic);
    for (const char* name : {"q8", "f16", "q6k", "q4k"}) {
        ASSERT_TRUE(streamed.addMatrix(*tensors[name], transfer));
        ASSERT_TRUE(inPlace.addMatrix(*tensors[name], transfer));
    }
    ASSERT_TRUE(whole.addMatrix(*tensors["q6k"], *Gpu::instance().transfer));
    ASSERT_TRUE(whole.addMatrix(*tensors["q4k"], *Gpu::instance().transfer));
    if (device.isCpu()) {
        EXPECT_NE(inPlace.matrix(tensors["q8"])->chunks[0].buffer.mapped(), nullptr) << "lavapipe's memory is the host's";
    }
    EXPECT_EQ(streamed.matrix(tensors["q8"])->chunks[0].buffer.mapped(), nullptr);

    const DeviceMatrix& q8 = *streamed.matrix(tensors["q8"]);
    ASSERT_GE(q8.chunks.size(), 3u);
    uint64_t q8Bytes = 0;
    for (const WeightChunk& chunk : q8.chunks) q8Bytes += chunk.buffer.size();
    EXPECT_GT(q8Bytes, 7 * transfer.slotBytes());
    for (const WeightStore* store : {&streamed, &inPlace}) {
        for (const WeightChunk& chunk : store->matrix(tensors["q8"])->chunks)
            EXPECT_EQ(downloadAll(chunk.buffer), expectedQ8_0Chunk(*tensors["q8"], chunk.rowBegin, chunk.rows))
                << "Q8_0 rows from " << chunk.rowBegin;
        const DeviceMatrix& f16 = *store->matrix(tensors["f16"]);
        ASSERT_GE(f16.chunks.size(), 3u);
        for (const WeightChunk& chunk : f16.chunks)
            EXPECT_EQ(downloadAll(chunk.buffer), expectedF16Chunk(*tensors["f16"], chunk.rowBegin, chunk.rows))
                << "F16 rows from " << chunk.rowBegin;
    }
    for (const char* name : {"q6k", "q4k"}) {
        const DeviceMatrix& b = *whole.matrix(tensors[name]);
        for (const WeightStore* store : {&streamed, &inPlace}) {
            const DeviceMatrix& a = *store->matrix(tensors[name]);
            ASSERT_EQ(a.chunks.size(), b.chunks.size());
            ASSERT_GE(a.chunks.size(), 3u);
            for (size_t c = 0; c < a.chunks.size(); ++c)
                EXPECT_EQ(downloadAll(a.chunks[c].buffer), downloadAll(b.chunks[c].buffer)) << name << " chunk " << c;
        }
    }
}

// A chunk large enough to be repacked in place by several threads (8 MiB each at least), with an
// odd block count per row so that the threads' scale ranges meet inside a word.
TEST(InPlaceMatrix, LargeChunkWrittenByThreadsArrivesBitExact) {
    CONFIDANT_REQUIRE_GPU();
    std::mt19937 random(11);
    TensorSet tensors;
    tensors.addRandom("q8", TensorType::Q8_0, 97 * 32, 5501, random, 0.5f);  // 18 MB
    tensors.finish();
    WeightStore store(*Gpu::instance().device);
    ASSERT_TRUE(store.addMatrix(*tensors["q8"], *Gpu::instance().transfer));
    for (const WeightChunk& chunk : store.matrix(tensors["q8"])->chunks)
        EXPECT_TRUE(downloadAll(chunk.buffer) == expectedQ8_0Chunk(*tensors["q8"], chunk.rowBegin, chunk.rows))
            << "Q8_0 rows from " << chunk.rowBegin;
}

INSTANTIATE_TEST_SUITE_P(SlotBytes, StreamedMatrix, ::testing::Values(256, 528));

}  // namespace
}  // namespace confidant::vktest
