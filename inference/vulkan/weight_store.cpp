// Repacking weights into the device layouts and uploading them chunk by chunk, each chunk in groups
// of rows that fit a staging slot.
#include "vulkan/weight_store.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <system_error>
#include <thread>
#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace confidant::inference::vulkan {
namespace {

constexpr uint32_t k_block = 32;

bool isFloat(TensorType type) { return type == TensorType::F32 || type == TensorType::F16 || type == TensorType::BF16; }

// How one file block of a quantized type is laid out on the device (shaders/include/weights*.glsl).
struct BlockLayout {
    uint32_t dataBytes;  // bytes of the block in the data region (a multiple of 4)
    int32_t scaleAt;     // byte offset of the fp16 scale that moves to the scales region; -1: none moves
    uint32_t copyFrom;   // without `repack`: the data region holds the block's bytes from here on
    void (*repack)(const uint8_t* block, uint8_t* out);  // nullptr: copy
};

// One Q3_K super-block (110 bytes) as weights_k.glsl reads it: the high-bit mask and low bits as
// in the file, then the sixteen 6-bit sub-scales unpacked to int8 with their bias of 32 removed.
void repackQ3_K(const uint8_t* block, uint8_t* out) {
    std::memcpy(out, block, 96);
    const uint8_t* packed = block + 96;
    for (int s = 0; s < 16; ++s) {
        const int low = s < 8 ? (packed[s] & 0x0F) : (packed[s - 8] >> 4);
        const int high = (packed[8 + s % 4] >> (2 * (s / 4))) & 3;
        out[96 + s] = uint8_t(int8_t((low | high << 4) - 32));
    }
}

// One Q6_K super-block (210 bytes) regrouped per 32-element piece as weights_k.glsl reads it: 52
// words of nibbles, high bits and sub-scales (d goes to the scales region separately). Piece j
// holds elements 32j..32j+31: half h = j/4 of the block, quarter k = j%4 of that half.
void repackQ6_K(const uint8_t* block, uint8_t* out) {
    uint32_t words[52];
    for (int j = 0; j < 8; ++j) {
        const int h = j / 4, k = j % 4;
        const uint8_t* low = block + 64 * h + 32 * (k & 1);
        const uint8_t* high = block + 128 + 32 * h;
        const int lowShift = k < 2 ? 0 : 4, highShift = 2 * k;
        for (int w = 0; w < 4; ++w) {
            uint32_t word = 0;
            for (int n = 0; n < 8; ++n) word |= uint32_t((low[8 * w + n] >> lowShift) & 0x0F) << (4 * n);
            words[6 * j + w] = word;
        }
        for (int w = 0; w < 2; ++w) {
            uint32_t word = 0;
            for (int n = 0; n < 16; ++n) word |= uint32_t((high[16 * w + n] >> highShift) & 3) << (2 * n);
            words[6 * j + 4 + w] = word;
        }
    }
    std::memcpy(words + 48, block + 192, 16);
    std::memcpy(out, words, sizeof words);
}

// One Q4_K (144 bytes) or Q5_K (176 bytes, `fifthBits`) super-block regrouped as weights_k.glsl
// reads it: per piece the nibbles in 4 words (Q5_K: and its fifth bits in a fifth word), the eight
// 6-bit scales and mins unpacked to bytes, and dmin (d goes to the scales region).
void repackQ4Q5_K(const uint8_t* block, uint8_t* out, bool fifthBits) {
    const uint8_t* packed = block + 4;
    const uint8_t* qh = block + 16;
    const uint8_t* qs = block + (fifthBits ? 48 : 16);
    const int pieceWords = fifthBits ? 5 : 4, scalesAt = 8 * pieceWords;
    uint32_t words[45] = {};
    for (int j = 0; j < 8; ++j) {
        int scale = 0, min = 0;
        if (j < 4) {
            scale = packed[j] & 63;
            min = packed[j + 4] & 63;
        } else {
            scale = (packed[j + 4] & 0x0F) | ((packed[j - 4] >> 6) << 4);
            min = (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4);
        }
        words[scalesAt + j / 4] |= uint32_t(scale) << (8 * (j % 4));
        words[scalesAt + 2 + j / 4] |= uint32_t(min) << (8 * (j % 4));
        for (int l = 0; l < 32; ++l) {
            const uint32_t q = (qs[32 * (j / 2) + l] >> (4 * (j % 2))) & 0x0F;
            words[pieceWords * j + l / 8] |= q << (4 * (l % 8));
            if (fifthBits) words[pieceWords * j + 4] |= uint32_t((qh[l] >> j) & 1) << l;
        }
    }
    uint16_t dmin;
    std::memcpy(&dmin, block + 2, 2);
    words[scalesAt + 4] = dmin;
    std::memcpy(out, words, size_t(scalesAt + 5) * 4);
}

void repackQ4_K(const uint8_t* block, uint8_t* out) { repackQ4Q5_K(block, out, false); }
void repackQ5_K(const uint8_t* block, uint8_t* out) { repackQ4Q5_K(block, out, true); }

// nullopt for float types and for types without kernels.
std::optional<BlockLayout> blockLayout(TensorType type) {
    switch (type) {
        case TensorType::Q4_0:
        case TensorType::IQ4_NL: return BlockLayout{16, 0, 2, nullptr};
        case TensorType::Q4_1: return BlockLayout{20, -1, 0, nullptr};
        case TensorType::Q5_0: return BlockLayout{20, 0, 2, nullptr};
        case TensorType::Q5_1: return BlockLayout{24, -1, 0, nullptr};
        case TensorType::Q8_0: return BlockLayout{32, 0, 2, nullptr};
        case TensorType::Q2_K: return BlockLayout{84, -1, 0, nullptr};
        case TensorType::Q3_K: return BlockLayout{112, 108, 0, repackQ3_K};
        case TensorType::Q4_K: return BlockLayout{148, 0, 0, repackQ4_K};
        case TensorType::Q5_K: return BlockLayout{180, 0, 0, repackQ5_K};
        case TensorType::Q6_K: return BlockLayout{208, 208, 0, repackQ6_K};
        case TensorType::Q8_K: return BlockLayout{260, -1, 0, nullptr};  // d and the quants, not the sums
        default: return std::nullopt;
    }
}

// Bytes of one row's quants (quantized types) or of one padded row (float types).
uint64_t rowDataBytes(TensorType type, uint32_t rowLength) {
    const uint64_t padded = (uint64_t(rowLength) + k_block - 1) / k_block * k_block;
    if (type == TensorType::F32) return padded * 4;
    if (isFloat(type)) return padded * 2;
    const auto layout = blockLayout(type);
    return layout ? uint64_t(rowLength) / traitsOf(type).blockSize * layout->dataBytes : 0;
}

uint64_t rowScaleBytes(TensorType type, uint32_t rowLength) {
    const auto layout = blockLayout(type);
    return layout && layout->scaleAt >= 0 ? uint64_t(rowLength) / traitsOf(type).blockSize * 2 : 0;
}

uint64_t chunkBytes(TensorType type, uint32_t rowLength, uint32_t rows) {
    const uint64_t data = rowDataBytes(type, rowLength) * rows;
    const uint64_t scales = (rowScaleBytes(type, rowLength) * rows + 3) / 4 * 4;
    return data + scales;
}

uint32_t rowsPerChunk(TensorType type, uint32_t rowLength, uint64_t maxRange) {
    const uint64_t perRow = rowDataBytes(type, rowLength) + rowScaleBytes(type, rowLength);
    return uint32_t(std::max<uint64_t>(1, (maxRange - 4) / perRow));
}

template <uint32_t DataBytes, uint32_t CopyFrom, uint32_t BlockBytes>
void copyBlocks(const uint8_t* source, uint64_t blocks, uint8_t* out) {
    for (uint64_t b = 0; b < blocks; ++b)
        std::memcpy(out + b * DataBytes, source + b * BlockBytes + CopyFrom, DataBytes);
}

// Writes rows [rowBegin, rowBegin+rows) of `t` in the device layout of weights*.glsl: their data to
// `out`, and the fp16 scales d of types that move them to `scales` (two bytes per block).
void repack(const GgufTensorInfo& t, uint32_t rowBegin, uint32_t rows, uint8_t* out, uint8_t* scales) {
    const uint32_t rowLength = uint32_t(t.dims[0]);
    const size_t sourceRowBytes = rowBytes(t.type, rowLength);
    const uint8_t* source = t.data + size_t(rowBegin) * sourceRowBytes;
    if (isFloat(t.type)) {
        const uint64_t padded = rowDataBytes(t.type, rowLength);
        for (uint32_t r = 0; r < rows; ++r) {
            std::memcpy(out + r * padded, source + r * sourceRowBytes, sourceRowBytes);
            std::memset(out + r * padded + sourceRowBytes, 0, padded - sourceRowBytes);
        }
        return;
    }
    // Each block's data in the device layout, and its fp16 scale d (if it moves) in the scales region.
    const BlockLayout layout = *blockLayout(t.type);
    const uint32_t blockBytes = traitsOf(t.type).blockBytes;
    const uint64_t blocks = uint64_t(rows) * (rowLength / traitsOf(t.type).blockSize);
    if (layout.scaleAt >= 0)
        for (uint64_t b = 0; b < blocks; ++b) std::memcpy(scales + b * 2, source + b * blockBytes + layout.scaleAt, 2);
    switch (t.type) {  // sizes known at compile time: inlined copies, not a library call per block
        case TensorType::Q4_0:
        case TensorType::IQ4_NL: copyBlocks<16, 2, 18>(source, blocks, out); break;
        case TensorType::Q5_0: copyBlocks<20, 2, 22>(source, blocks, out); break;
        case TensorType::Q8_0: copyBlocks<32, 2, 34>(source, blocks, out); break;
        default:
            for (uint64_t b = 0; b < blocks; ++b) {
                const uint8_t* block = source + b * blockBytes;
                if (layout.repack) layout.repack(block, out + b * layout.dataBytes);
                else std::memcpy(out + b * layout.dataBytes, block + layout.copyFrom, layout.dataBytes);
            }
    }
}

#if __has_include(<sys/mman.h>)
// madvise(advice) over the whole pages holding [data, data + bytes). Only a hint: failure changes nothing.
void advise(const uint8_t* data, size_t bytes, int advice) {
    const uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
    const uintptr_t begin = uintptr_t(data) / page * page, end = (uintptr_t(data) + bytes + page - 1) / page * page;
    (void)madvise(reinterpret_cast<void*>(begin), end - begin, advice);
}
#endif

// Asks the kernel to start reading `bytes` of the mapped file at `data`, so that the disk works while
// the host repacks and the device copies what came before.
void prefetch(const uint8_t* data, size_t bytes) {
#if __has_include(<sys/mman.h>)
    advise(data, bytes, MADV_WILLNEED);
#else
    (void)data, (void)bytes;
#endif
}

// Asks the kernel to back `bytes` of fresh mapped device memory at `data` with pages now, in one
// call, rather than by one page fault per page while repacking (costly in virtual machines: a
// perf profile of a lavapipe load showed 30% of its time in page faults).
void populate(const uint8_t* data, size_t bytes) {
#if defined(__linux__)
    constexpr int k_populateWrite = 23;  // MADV_POPULATE_WRITE (Linux 5.14), absent from older headers
    advise(data, bytes, k_populateWrite);
#else
    (void)data, (void)bytes;
#endif
}

// Queues rows [rowBegin, rowBegin+rows) of `t` into `chunk` (laid out as `repack` writes them: the
// data of all rows, then their scales) in groups of rows that each fit one staging slot.
Result<void> queueChunk(const GgufTensorInfo& t, const WeightChunk& chunk, Transfer& transfer) {
    const uint32_t rowLength = uint32_t(t.dims[0]);
    const uint64_t data = rowDataBytes(t.type, rowLength), scales = rowScaleBytes(t.type, rowLength);
    const uint64_t scalesAt = data * chunk.rows;
    const uint64_t pad = chunkBytes(t.type, rowLength, chunk.rows) - (data + scales) * chunk.rows;
    // 4 bytes of room: the last group zeroes the scales' padding to a whole word after them.
    const uint64_t perGroup = (transfer.slotBytes() - 4) / (data + scales);
    if (perGroup == 0)
        return makeError("a row of " + std::to_string(data + scales) + " bytes does not fit the staging buffer of " +
                         std::to_string(transfer.slotBytes()) + " bytes");
    const size_t sourceRowBytes = rowBytes(t.type, rowLength);
    for (uint32_t done = 0; done < chunk.rows;) {
        const uint32_t rows = uint32_t(std::min<uint64_t>(perGroup, chunk.rows - done));
        const bool last = done + rows == chunk.rows;
        const uint32_t next = chunk.rowBegin + done + rows;
        if (!last) {
            const uint64_t ahead = std::min<uint64_t>(perGroup, chunk.rows - done - rows);
            prefetch(t.data + size_t(next) * sourceRowBytes, size_t(ahead * sourceRowBytes));
        }
        VkBufferCopy copies[2] = {{0, done * data, rows * data},
                                  {rows * data, scalesAt + done * scales, rows * scales + (last ? pad : 0)}};
        const uint32_t copyCount = copies[1].size ? 2 : 1;
        const auto fill = [&](uint8_t* out) {
            repack(t, chunk.rowBegin + done, rows, out, out + rows * data);
            if (last && pad) std::memset(out + rows * (data + scales), 0, pad);
        };
        auto queued = transfer.enqueue(chunk.buffer, rows * (data + scales) + 4, {copies, copyCount}, fill);
        if (!queued) return queued;
        done += rows;
    }
    return {};
}

// Repacks all rows of `chunk` straight into its mapped memory (laid out as queueChunk's copies
// leave it), the rows split among threads: on unified memory the repack is the whole upload.
void writeChunk(const GgufTensorInfo& t, const WeightChunk& chunk) {
    const uint32_t rowLength = uint32_t(t.dims[0]);
    const uint64_t data = rowDataBytes(t.type, rowLength), scales = rowScaleBytes(t.type, rowLength);
    const uint64_t total = chunkBytes(t.type, rowLength, chunk.rows);
    auto* base = static_cast<uint8_t*>(chunk.buffer.mapped());
    uint8_t* scaleBase = base + data * chunk.rows;
    const size_t sourceRowBytes = rowBytes(t.type, rowLength);
    // Rows per step: about 4 MiB of the file, read ahead one step (madvise) while the step before is repacked.
    const uint32_t step = uint32_t(std::max<uint64_t>(1, (uint64_t(4) << 20) / sourceRowBytes));
    const auto work = [&](uint32_t begin, uint32_t end) {
        populate(base + begin * data, (end - begin) * data);
        if (scales) populate(scaleBase + begin * scales, (end - begin) * scales);
        for (uint32_t row = begin; row < end; row += step) {
            const uint32_t rows = std::min(step, end - row);
            if (row + rows < end)
                prefetch(t.data + size_t(chunk.rowBegin + row + rows) * sourceRowBytes,
                         size_t(std::min(step, end - row - rows)) * sourceRowBytes);
            repack(t, chunk.rowBegin + row, rows, base + row * data, scaleBase + row * scales);
        }
    };
    // Threads only for chunks worth it (a thread start costs tens of microseconds).
    const uint64_t minBytesPerThread = uint64_t(8) << 20;
    const uint32_t threads = uint32_t(std::clamp<uint64_t>(
        std::min<uint64_t>(std::max(1u, std::thread::hardware_concurrency()), total / minBytesPerThread), 1, 8));
    std::vector<std::thread> helpers;
    const uint32_t perThread = (chunk.rows + threads - 1) / threads;
    for (uint32_t i = 1; i < threads; ++i) {
        const uint32_t begin = std::min(chunk.rows, i * perThread), end = std::min(chunk.rows, begin + perThread);
        if (begin >= end) continue;
        try {
            helpers.emplace_back(work, begin, end);
        } catch (const std::system_error&) {
            work(begin, end);  // no thread to be had: this one does that part too
        }
    }
    work(0, std::min(chunk.rows, perThread));
    for (std::thread& helper : helpers) helper.join();
    const uint64_t written = (data + scales) * chunk.rows;
    std::memset(base + written, 0, total - written);  // the scales' padding to a whole word
}

}  // namespace

bool isDeviceMatrixType(TensorType type) { return isFloat(type) || blockLayout(type).has_value(); }

const char* shaderSuffix(TensorType type) {
    switch (type) {
        case TensorType::F32: return "f32";
        case TensorType::F16: return "f16";
        case TensorType::BF16: return "bf16";
        case TensorType::Q4_0: return "q4_0";
        case TensorType::Q4_1: return "q4_1";
        case TensorType::Q5_0: return "q5_0";
        case TensorType::Q5_1: return "q5_1";
        case TensorType::Q8_0: return "q8_0";
        case TensorType::IQ4_NL: return "iq4_nl";
        case TensorType::Q2_K: return "q2_k";
        case TensorType::Q3_K: return "q3_k";
        case TensorType::Q4_K: return "q4_k";
        case TensorType::Q5_K: return "q5_k";
        case TensorType::Q6_K: return "q6_k";
        case TensorType::Q8_K: return "q8_k";
        default: return "";
    }
}

std::vector<TensorType> deviceMatrixTypes() {
    std::vector<TensorType> types;
    for (uint32_t id = 0; id < 64; ++id) {  // GGUF's type ids end well below 64
        const auto traits = tensorTypeTraits(id);
        if (traits && isDeviceMatrixType(traits->type)) types.push_back(traits->type);
    }
    return types;
}

std::string deviceMatrixTypeNames() {
    std::string names;
    for (TensorType type : deviceMatrixTypes())
        names += (names.empty() ? "" : ", ") + std::string(tensorTypeName(type));
    return names;
}

uint64_t deviceMatrixBytes(const GgufTensorInfo& t, uint64_t maxRange) {
    const uint32_t rowLength = uint32_t(t.dims[0]);
    const uint32_t rows = uint32_t(t.rows());
    const uint32_t perChunk = rowsPerChunk(t.type, rowLength, maxRange);
    uint64_t total = 0;
    for (uint32_t begin = 0; begin < rows; begin += perChunk)
        total += chunkBytes(t.type, rowLength, std::min(perChunk, rows - begin));
    return total;
}

Result<void> WeightStore::addMatrix(const GgufTensorInfo& t, Transfer& transfer) {
    auto queued = queueMatrix(t, transfer);
    if (!queued) return queued;
    if (auto done = transfer.finish(); !done) return makeError("uploading '" + t.name + "': " + done.error().message);
    return {};
}

Result<void> WeightStore::addVector(const GgufTensorInfo& t, Transfer& transfer) {
    auto queued = queueVector(t, transfer);
    if (!queued) return queued;
    if (auto done = transfer.finish(); !done) return makeError("uploading '" + t.name + "': " + done.error().message);
    return {};
}

Result<void> WeightStore::addWeights(const Graph& graph, Transfer& transfer) {
    for (const Op& op : graph.ops) {
        Result<void> queued;
        if (op.kind == OpKind::Embed || op.kind == OpKind::MatMul) queued = queueMatrix(*op.weight, transfer);
        else if (op.weight) queued = queueVector(*op.weight, transfer);
        if (queued && op.bias) queued = queueVector(*op.bias, transfer);
        if (!queued) {
            (void)transfer.finish();  // the copies in flight must end before their buffers may go
            return queued;
        }
    }
    if (auto done = transfer.finish(); !done) return makeError("uploading the weights: " + done.error().message);
    return {};
}

Result<void> WeightStore::queueMatrix(const GgufTensorInfo& t, Transfer& transfer) {
    if (m_matrices.count(&t)) return {};
    if (!isDeviceMatrixType(t.type))
        return makeError("the Vulkan backend cannot compute with tensor '" + t.name + "' of type " +
                         std::string(tensorTypeName(t.type)) + " yet (it supports " + deviceMatrixTypeNames() + ")");
    DeviceMatrix m;
    m.type = t.type;
    m.rowLength = uint32_t(t.dims[0]);
    m.rows = uint32_t(t.rows());
    m.rowStride = (m.rowLength + k_block - 1) / k_block * k_block;
    const uint32_t perChunk = rowsPerChunk(t.type, m.rowLength, m_maxChunkBytes);
    prefetch(t.data, std::min<size_t>(t.byteSize, transfer.slotBytes()));
    uint64_t bytes = 0;
    for (uint32_t begin = 0; begin < m.rows; begin += perChunk) {
        WeightChunk chunk;
        chunk.rowBegin = begin;
        chunk.rows = std::min(perChunk, m.rows - begin);
        chunk.scaleOffset = uint32_t(rowDataBytes(t.type, m.rowLength) * chunk.rows / 4);
        const uint64_t chunkSize = chunkBytes(t.type, m.rowLength, chunk.rows);
        const MemoryKind kind = m_upload == MatrixUpload::Automatic ? MemoryKind::DeviceLocalWritable : MemoryKind::DeviceLocal;
        auto buffer = Buffer::create(m_device, chunkSize, kind, "the weights of '" + t.name + "'");
        if (!buffer) {
            (void)transfer.finish();  // before this matrix's chunks are freed
            return buffer.error();
        }
        chunk.buffer = std::move(*buffer);
        if (chunk.buffer.mapped()) {
            writeChunk(t, chunk);
            m_inPlaceBytes += chunkSize;
        } else if (auto queued = queueChunk(t, chunk, transfer); !queued) {
            (void)transfer.finish();  // before this matrix's chunks are freed
            return makeError("uploading '" + t.name + "': " + queued.error().message);
        }
        bytes += chunkSize;
        m.chunks.push_back(std::move(chunk));
    }
    m_bytes += bytes;
    m_matrices.emplace(&t, std::move(m));
    return {};
}

Result<void> WeightStore::queueVector(const GgufTensorInfo& t, Transfer& transfer) {
    if (m_vectors.count(&t)) return {};
    const auto dequantize = traitsOf(t.type).dequantize;
    if (!dequantize)
        return makeError("tensor '" + t.name + "' has the type " + std::string(tensorTypeName(t.type)) +
                         ", which Confidant cannot read yet");
    std::vector<float> values(t.elementCount);
    dequantize(t.data, values.data(), t.elementCount);
    const uint64_t bytes = values.size() * sizeof(float);
    auto buffer = Buffer::create(m_device, bytes, MemoryKind::DeviceLocal, "the weights of '" + t.name + "'");
    if (!buffer) return buffer.error();
    auto queued = transfer.enqueue(*buffer, {reinterpret_cast<const uint8_t*>(values.data()), bytes});
    if (!queued) {
        (void)transfer.finish();  // before the buffer is freed
        return makeError("uploading '" + t.name + "': " + queued.error().message);
    }
    m_bytes += bytes;
    m_vectors.emplace(&t, std::move(*buffer));
    return {};
}

const DeviceMatrix* WeightStore::matrix(const GgufTensorInfo* t) const {
    auto it = m_matrices.find(t);
    return it == m_matrices.end() ? nullptr : &it->second;
}

const Buffer* WeightStore::vector(const GgufTensorInfo* t) const {
    auto it = m_vectors.find(t);
    return it == m_vectors.end() ? nullptr : &it->second;
}

}  // namespace confidant::inference::vulkan
