// Repacking weights into the device layouts and uploading them chunk by chunk.
#include "vulkan/weight_store.h"

#include <algorithm>
#include <cstring>

namespace confidant::inference::vulkan {
namespace {

constexpr uint32_t k_block = 32;

bool isFloat(TensorType type) { return type == TensorType::F32 || type == TensorType::F16; }

// Bytes of one row's quants (quantized types) or of one padded row (float types).
uint64_t rowDataBytes(TensorType type, uint32_t rowLength) {
    const uint64_t padded = (uint64_t(rowLength) + k_block - 1) / k_block * k_block;
    switch (type) {
        case TensorType::F32: return padded * 4;
        case TensorType::F16: return padded * 2;
        case TensorType::Q4_0: return uint64_t(rowLength) / k_block * 16;
        case TensorType::Q8_0: return uint64_t(rowLength) / k_block * 32;
        case TensorType::Q6_K: return uint64_t(rowLength) / 256 * 208;
        case TensorType::Q4_K: return uint64_t(rowLength) / 256 * 148;
        default: return 0;
    }
}

uint64_t rowScaleBytes(TensorType type, uint32_t rowLength) {
    return isFloat(type) ? 0 : uint64_t(rowLength) / traitsOf(type).blockSize * 2;
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

// One Q6_K super-block (210 bytes) regrouped per 32-element piece as weights.glsl reads it: 52
// words of nibbles, high bits and sub-scales (d goes to the scales region separately).
void repackQ6_K(const uint8_t* block, uint8_t* out) {
    uint8_t q[256];
    for (int e = 0; e < 256; ++e) {
        const int h = e / 128, k = (e % 128) / 32, l = e % 32;
        const uint8_t lowByte = block[64 * h + l + 32 * (k & 1)];
        const int low = k < 2 ? (lowByte & 0x0F) : (lowByte >> 4);
        const int high = (block[128 + 32 * h + l] >> (2 * k)) & 3;
        q[e] = uint8_t(low | high << 4);
    }
    uint32_t words[52] = {};
    for (int j = 0; j < 8; ++j) {
        for (int n = 0; n < 32; ++n) {
            words[6 * j + n / 8] |= uint32_t(q[32 * j + n] & 0x0F) << (4 * (n % 8));
            words[6 * j + 4 + n / 16] |= uint32_t(q[32 * j + n] >> 4) << (2 * (n % 16));
        }
    }
    std::memcpy(words + 48, block + 192, 16);
    std::memcpy(out, words, sizeof words);
}

// One Q4_K super-block (144 bytes) regrouped as weights.glsl reads it: 32 words of nibbles per
// piece, the eight 6-bit scales and mins unpacked to bytes, and dmin (d goes to the scales region).
void repackQ4_K(const uint8_t* block, uint8_t* out) {
    const uint8_t* packed = block + 4;
    const uint8_t* qs = block + 16;
    uint32_t words[37] = {};
    for (int j = 0; j < 8; ++j) {
        int scale = 0, min = 0;
        if (j < 4) {
            scale = packed[j] & 63;
            min = packed[j + 4] & 63;
        } else {
            scale = (packed[j + 4] & 0x0F) | ((packed[j - 4] >> 6) << 4);
            min = (packed[j + 4] >> 4) | ((packed[j] >> 6) << 4);
        }
        words[32 + j / 4] |= uint32_t(scale) << (8 * (j % 4));
        words[34 + j / 4] |= uint32_t(min) << (8 * (j % 4));
        for (int l = 0; l < 32; ++l) {
            const uint32_t q = (qs[32 * (j / 2) + l] >> (4 * (j % 2))) & 0x0F;
            words[4 * j + l / 8] |= q << (4 * (l % 8));
        }
    }
    uint16_t dmin;
    std::memcpy(&dmin, block + 2, 2);
    words[36] = dmin;
    std::memcpy(out, words, sizeof words);
}

// Writes rows [rowBegin, rowBegin+rows) of `t` in the device layout of weights.glsl to `out`.
void repack(const GgufTensorInfo& t, uint32_t rowBegin, uint32_t rows, uint8_t* out) {
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
    // Each block is its fp16 scale d plus the rest; d moves to the scales region.
    const uint32_t blockBytes = traitsOf(t.type).blockBytes;
    const uint32_t quantBytes = uint32_t(rowDataBytes(t.type, traitsOf(t.type).blockSize));
    const uint32_t scaleAt = t.type == TensorType::Q6_K ? quantBytes : 0;  // d's offset in the file's block
    const uint32_t quantsAt = t.type == TensorType::Q6_K ? 0 : 2;
    const uint64_t blocks = uint64_t(rows) * (rowLength / traitsOf(t.type).blockSize);
    uint8_t* scales = out + blocks * quantBytes;
    for (uint64_t b = 0; b < blocks; ++b) {
        std::memcpy(scales + b * 2, source + b * blockBytes + scaleAt, 2);
        if (t.type == TensorType::Q6_K) repackQ6_K(source + b * blockBytes, out + b * quantBytes);
        else if (t.type == TensorType::Q4_K) repackQ4_K(source + b * blockBytes, out + b * quantBytes);
        else std::memcpy(out + b * quantBytes, source + b * blockBytes + quantsAt, quantBytes);
    }
    if (blocks % 2) std::memset(scales + blocks * 2, 0, 2);
}

}  // namespace

bool isDeviceMatrixType(TensorType type) {
    return type == TensorType::F32 || type == TensorType::F16 || type == TensorType::Q4_0 || type == TensorType::Q8_0 ||
           type == TensorType::Q6_K || type == TensorType::Q4_K;
}

const char* shaderSuffix(TensorType type) {
    switch (type) {
        case TensorType::F32: return "f32";
        case TensorType::F16: return "f16";
        case TensorType::Q4_0: return "q4_0";
        case TensorType::Q8_0: return "q8_0";
        case TensorType::Q6_K: return "q6_k";
        case TensorType::Q4_K: return "q4_k";
        default: return "";
    }
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
    if (m_matrices.count(&t)) return {};
    if (!isDeviceMatrixType(t.type))
        return makeError("the Vulkan backend cannot compute with tensor '" + t.name + "' of type " +
                         std::string(tensorTypeName(t.type)) + " yet (it supports F32, F16, Q4_0, Q8_0, Q4_K, Q6_K); use --backend cpu");
    DeviceMatrix m;
    m.type = t.type;
    m.rowLength = uint32_t(t.dims[0]);
    m.rows = uint32_t(t.rows());
    m.rowStride = (m.rowLength + k_block - 1) / k_block * k_block;
    const uint32_t perChunk = rowsPerChunk(t.type, m.rowLength, m_maxChunkBytes);
    for (uint32_t begin = 0; begin < m.rows; begin += perChunk) {
        WeightChunk chunk;
        chunk.rowBegin = begin;
        chunk.rows = std::min(perChunk, m.rows - begin);
        chunk.scaleOffset = uint32_t(rowDataBytes(t.type, m.rowLength) * chunk.rows / 4);
        const uint64_t bytes = chunkBytes(t.type, m.rowLength, chunk.rows);
        auto buffer = Buffer::create(m_device, bytes, MemoryKind::DeviceLocal, "the weights of '" + t.name + "'");
        if (!buffer) return buffer.error();
        chunk.buffer = std::move(*buffer);
        auto uploaded = transfer.upload(chunk.buffer, 0, bytes, [&](uint8_t* staging) { repack(t, begin, chunk.rows, staging); });
        if (!uploaded) return makeError("uploading '" + t.name + "': " + uploaded.error().message);
        m_bytes += bytes;
        m.chunks.push_back(std::move(chunk));
    }
    m_matrices.emplace(&t, std::move(m));
    return {};
}

Result<void> WeightStore::addVector(const GgufTensorInfo& t, Transfer& transfer) {
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
    auto uploaded = transfer.upload(*buffer, {reinterpret_cast<const uint8_t*>(values.data()), bytes});
    if (!uploaded) return makeError("uploading '" + t.name + "': " + uploaded.error().message);
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
