// The K-quants: 256-element super-blocks of 16 or 32-element sub-blocks whose scales (and minimums)
// are themselves quantized against one or two fp16 super-block scales. Q2_K..Q6_K and Q8_K.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "quants/quants.h"
#include "quants/scale_fit.h"
#include "tensor_type.h"

namespace confidant::inference::quants {
namespace {

// Q3_K's 16 six-bit scales packed in 12 bytes (see BlockQ3_K), as stored values 0..63.
int q3Scale(const uint8_t scales[12], int s) {
    const int low = s < 8 ? (scales[s] & 0x0F) : (scales[s - 8] >> 4);
    const int high = (scales[8 + s % 4] >> (2 * (s / 4))) & 3;
    return low | high << 4;
}

void packQ3Scales(const int* stored, uint8_t scales[12]) {
    std::memset(scales, 0, 12);
    for (int s = 0; s < 16; ++s) {
        scales[s % 8] |= uint8_t((stored[s] & 0x0F) << (s < 8 ? 0 : 4));
        scales[8 + s % 4] |= uint8_t((stored[s] >> 4) << (2 * (s / 4)));
    }
}

// Q4_K/Q5_K's 8 six-bit scales and 8 six-bit minimums packed in 12 bytes: sub-blocks 0..3 in
// the low 6 bits of bytes 0..3 (scales) and 4..7 (minimums); sub-blocks 4..7 keep their low 4
// bits in the nibbles of bytes 8..11 and their high 2 bits in the top bits of bytes 0..7.
void unpackScaleMin(const uint8_t scales[12], int s, int& scale, int& min) {
    if (s < 4) {
        scale = scales[s] & 63;
        min = scales[s + 4] & 63;
    } else {
        scale = (scales[s + 4] & 0x0F) | ((scales[s - 4] >> 6) << 4);
        min = (scales[s + 4] >> 4) | ((scales[s] >> 6) << 4);
    }
}

void packScaleMin(const int* scale, const int* min, uint8_t scales[12]) {
    for (int s = 0; s < 4; ++s) {
        scales[s] = uint8_t(scale[s] | ((scale[s + 4] >> 4) << 6));
        scales[s + 4] = uint8_t(min[s] | ((min[s + 4] >> 4) << 6));
        scales[s + 8] = uint8_t((scale[s + 4] & 0x0F) | ((min[s + 4] & 0x0F) << 4));
    }
}

// Affine K-quants (Q2_K, Q4_K, Q5_K): x ≈ d·sc[s]·q - dmin·m[s]. Fits each sub-block, then
// quantizes the sub-block scales and minimums to `scaleMax` levels against d and dmin, and finally
// requantizes every value with the stored scales. `q` receives 256 values in 0..qmax.
void fitAffineSuperBlock(const float* x, int subBlock, int qmax, int scaleMax, uint16_t& dOut, uint16_t& dminOut,
                         int* scaleOut, int* minOut, int* q) {
    const int subBlocks = int(k_superBlock) / subBlock;
    float subScale[16], subMin[16];
    float maxScale = 0.0f, maxMin = 0.0f;
    for (int s = 0; s < subBlocks; ++s) {
        float offset = 0;
        fitAffine(x + s * subBlock, size_t(subBlock), qmax, true, subScale[s], offset, q + s * subBlock);
        subMin[s] = -offset;
        maxScale = std::max(maxScale, subScale[s]);
        maxMin = std::max(maxMin, subMin[s]);
    }
    dOut = fp32ToFp16(maxScale / float(scaleMax));
    dminOut = fp32ToFp16(maxMin / float(scaleMax));
    const float d = fp16ToFp32(dOut), dmin = fp16ToFp32(dminOut);
    for (int s = 0; s < subBlocks; ++s) {
        scaleOut[s] = d > 0 ? std::clamp(roundToInt(subScale[s] / d), 0, scaleMax) : 0;
        minOut[s] = dmin > 0 ? std::clamp(roundToInt(subMin[s] / dmin), 0, scaleMax) : 0;
        quantizeWithScaleOffset(x + s * subBlock, size_t(subBlock), d * float(scaleOut[s]), -dmin * float(minOut[s]),
                                qmax, q + s * subBlock);
    }
}

// Symmetric K-quants (Q3_K, Q6_K): x ≈ d·sc[s]·q with signed sub-block scales sc in
// [scaleMin, -scaleMin - 1] and q in [qmin, qmax], sub-blocks of 16.
void fitSymmetricSuperBlock(const float* x, int qmin, int qmax, int scaleMin, uint16_t& dOut, int* scaleOut, int* q) {
    float subScale[16];
    float extreme = 0.0f;
    for (int s = 0; s < 16; ++s) {
        subScale[s] = fitSymmetric(x + s * 16, 16, qmin, qmax, q + s * 16);
        if (std::fabs(subScale[s]) > std::fabs(extreme)) extreme = subScale[s];
    }
    dOut = fp32ToFp16(extreme / float(scaleMin));
    const float d = fp16ToFp32(dOut);
    for (int s = 0; s < 16; ++s) {
        scaleOut[s] = d != 0.0f ? std::clamp(roundToInt(subScale[s] / d), scaleMin, -scaleMin - 1) : 0;
        quantizeWithScale(x + s * 16, 16, d * float(scaleOut[s]), qmin, qmax, q + s * 16);
    }
}

}  // namespace

void dequantizeQ2_K(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ2_K*>(src);
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        const BlockQ2_K& block = blocks[b];
        const float d = fp16ToFp32(block.d), dmin = fp16ToFp32(block.dmin);
        float* y = dst + b * k_superBlock;
        for (int e = 0; e < 256; ++e) {
            const int h = e / 128, j = (e % 128) / 32, l = e % 32;
            const int q = (block.qs[32 * h + l] >> (2 * j)) & 3;
            const uint8_t sc = block.scales[e / 16];
            y[e] = d * float(sc & 0x0F) * float(q) - dmin * float(sc >> 4);
        }
    }
}

void dequantizeQ3_K(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ3_K*>(src);
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        const BlockQ3_K& block = blocks[b];
        const float d = fp16ToFp32(block.d);
        float* y = dst + b * k_superBlock;
        for (int e = 0; e < 256; ++e) {
            const int h = e / 128, j = (e % 128) / 32, l = e % 32;
            const int low = (block.qs[32 * h + l] >> (2 * j)) & 3;
            const int high = (block.hmask[l] >> (4 * h + j)) & 1;
            y[e] = d * float(q3Scale(block.scales, e / 16) - 32) * float((low | high << 2) - 4);
        }
    }
}

void dequantizeQ4_K(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ4_K*>(src);
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        const BlockQ4_K& block = blocks[b];
        const float d = fp16ToFp32(block.d), dmin = fp16ToFp32(block.dmin);
        float* y = dst + b * k_superBlock;
        for (int s = 0; s < 8; ++s) {
            int scale = 0, min = 0;
            unpackScaleMin(block.scales, s, scale, min);
            const float ds = d * float(scale), ms = dmin * float(min);
            const uint8_t* qs = block.qs + 32 * (s / 2);
            const int shift = 4 * (s % 2);
            for (int l = 0; l < 32; ++l) y[32 * s + l] = ds * float((qs[l] >> shift) & 0x0F) - ms;
        }
    }
}

void dequantizeQ5_K(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ5_K*>(src);
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        const BlockQ5_K& block = blocks[b];
        const float d = fp16ToFp32(block.d), dmin = fp16ToFp32(block.dmin);
        float* y = dst + b * k_superBlock;
        for (int s = 0; s < 8; ++s) {
            int scale = 0, min = 0;
            unpackScaleMin(block.scales, s, scale, min);
            const float ds = d * float(scale), ms = dmin * float(min);
            const uint8_t* qs = block.qs + 32 * (s / 2);
            const int shift = 4 * (s % 2);
            for (int l = 0; l < 32; ++l) {
                const int q = ((qs[l] >> shift) & 0x0F) | ((block.qh[l] >> s) & 1) << 4;
                y[32 * s + l] = ds * float(q) - ms;
            }
        }
    }
}

void dequantizeQ6_K(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ6_K*>(src);
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        const BlockQ6_K& block = blocks[b];
        const float d = fp16ToFp32(block.d);
        float* y = dst + b * k_superBlock;
        for (int e = 0; e < 256; ++e) {
            const int h = e / 128, k = (e % 128) / 32, l = e % 32;
            const uint8_t lowByte = block.ql[64 * h + l + 32 * (k & 1)];
            const int low = k < 2 ? (lowByte & 0x0F) : (lowByte >> 4);
            const int high = (block.qh[32 * h + l] >> (2 * k)) & 3;
            y[e] = d * float(block.scales[e / 16]) * float((low | high << 4) - 32);
        }
    }
}

void dequantizeQ8_K(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockQ8_K*>(src);
    for (size_t b = 0; b < count / k_superBlock; ++b)
        for (size_t j = 0; j < k_superBlock; ++j) dst[b * k_superBlock + j] = blocks[b].d * float(blocks[b].qs[j]);
}

void quantizeQ2_K(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ2_K*>(dst);
    int q[256], scale[16], min[16];
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        BlockQ2_K& block = blocks[b];
        fitAffineSuperBlock(src + b * k_superBlock, 16, 3, 15, block.d, block.dmin, scale, min, q);
        for (int s = 0; s < 16; ++s) block.scales[s] = uint8_t(scale[s] | min[s] << 4);
        std::memset(block.qs, 0, sizeof block.qs);
        for (int e = 0; e < 256; ++e) {
            const int h = e / 128, j = (e % 128) / 32, l = e % 32;
            block.qs[32 * h + l] |= uint8_t(q[e] << (2 * j));
        }
    }
}

void quantizeQ3_K(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ3_K*>(dst);
    int q[256], scale[16];
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        BlockQ3_K& block = blocks[b];
        fitSymmetricSuperBlock(src + b * k_superBlock, -4, 3, -32, block.d, scale, q);
        for (int& s : scale) s += 32;
        packQ3Scales(scale, block.scales);
        std::memset(block.qs, 0, sizeof block.qs);
        std::memset(block.hmask, 0, sizeof block.hmask);
        for (int e = 0; e < 256; ++e) {
            const int h = e / 128, j = (e % 128) / 32, l = e % 32;
            const int stored = q[e] + 4;
            block.qs[32 * h + l] |= uint8_t((stored & 3) << (2 * j));
            block.hmask[l] |= uint8_t((stored >> 2) << (4 * h + j));
        }
    }
}

void quantizeQ4_K(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ4_K*>(dst);
    int q[256], scale[8], min[8];
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        BlockQ4_K& block = blocks[b];
        fitAffineSuperBlock(src + b * k_superBlock, 32, 15, 63, block.d, block.dmin, scale, min, q);
        packScaleMin(scale, min, block.scales);
        for (int j = 0; j < 4; ++j)
            for (int l = 0; l < 32; ++l) block.qs[32 * j + l] = uint8_t(q[64 * j + l] | q[64 * j + 32 + l] << 4);
    }
}

void quantizeQ5_K(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ5_K*>(dst);
    int q[256], scale[8], min[8];
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        BlockQ5_K& block = blocks[b];
        fitAffineSuperBlock(src + b * k_superBlock, 32, 31, 63, block.d, block.dmin, scale, min, q);
        packScaleMin(scale, min, block.scales);
        std::memset(block.qh, 0, sizeof block.qh);
        for (int j = 0; j < 4; ++j)
            for (int l = 0; l < 32; ++l) {
                const int lo = q[64 * j + l], hi = q[64 * j + 32 + l];
                block.qs[32 * j + l] = uint8_t((lo & 0x0F) | (hi & 0x0F) << 4);
                block.qh[l] |= uint8_t((lo >> 4) << (2 * j) | (hi >> 4) << (2 * j + 1));
            }
    }
}

void quantizeQ6_K(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ6_K*>(dst);
    int q[256], scale[16];
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        BlockQ6_K& block = blocks[b];
        fitSymmetricSuperBlock(src + b * k_superBlock, -32, 31, -128, block.d, scale, q);
        for (int s = 0; s < 16; ++s) block.scales[s] = int8_t(scale[s]);
        std::memset(block.ql, 0, sizeof block.ql);
        std::memset(block.qh, 0, sizeof block.qh);
        for (int e = 0; e < 256; ++e) {
            const int h = e / 128, k = (e % 128) / 32, l = e % 32;
            const int stored = q[e] + 32;
            block.ql[64 * h + l + 32 * (k & 1)] |= uint8_t((stored & 0x0F) << (k < 2 ? 0 : 4));
            block.qh[32 * h + l] |= uint8_t((stored >> 4) << (2 * k));
        }
    }
}

void quantizeQ8_K(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockQ8_K*>(dst);
    int q[256];
    for (size_t b = 0; b < count / k_superBlock; ++b) {
        BlockQ8_K& block = blocks[b];
        const float* x = src + b * k_superBlock;
        float extreme = 0.0f;
        for (size_t j = 0; j < k_superBlock; ++j)
            if (std::fabs(x[j]) > std::fabs(extreme)) extreme = x[j];
        // The extreme value maps to -128, the one level only the negative side has.
        block.d = extreme / -128.0f;
        quantizeWithScale(x, k_superBlock, block.d, -128, 127, q);
        for (int g = 0; g < 16; ++g) {
            int sum = 0;
            for (int j = 0; j < 16; ++j) {
                block.qs[16 * g + j] = int8_t(q[16 * g + j]);
                sum += q[16 * g + j];
            }
            block.bsums[g] = int16_t(sum);
        }
    }
}

}  // namespace confidant::inference::quants
