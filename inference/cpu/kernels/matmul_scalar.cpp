// The portable kernels: the same integer dot products as the vector kernels (weights in their
// file blocks, activations in 8-bit blocks), written as plain loops. They run on every x86-64 (and
// any other) CPU and are the readable statement of what each vector kernel computes.
#include "cpu/kernels/k_quant_scales.h"
#include "cpu/kernels/kernel_table.h"
#include "quants/quants.h"

namespace confidant::inference::cpu::kernels {
namespace {

using quants::BlockQ8_K;

float dotQ4_0(const uint8_t* row, const ActivationBlock32* a, size_t blocks) {
    const auto* w = reinterpret_cast<const quants::BlockQ4_0*>(row);
    float sum = 0.0f;
    for (size_t b = 0; b < blocks; ++b) {
        int s = 0;
        for (int i = 0; i < 16; ++i)
            s += ((w[b].qs[i] & 0x0F) - 8) * a[b].qs[i] + ((w[b].qs[i] >> 4) - 8) * a[b].qs[i + 16];
        sum += fp16ToFp32(w[b].d) * a[b].d * float(s);
    }
    return sum;
}

float dotQ8_0(const uint8_t* row, const ActivationBlock32* a, size_t blocks) {
    const auto* w = reinterpret_cast<const quants::BlockQ8_0*>(row);
    float sum = 0.0f;
    for (size_t b = 0; b < blocks; ++b) {
        int s = 0;
        for (int i = 0; i < 32; ++i) s += w[b].qs[i] * a[b].qs[i];
        sum += fp16ToFp32(w[b].d) * a[b].d * float(s);
    }
    return sum;
}

float dotIQ4_NL(const uint8_t* row, const ActivationBlock32* a, size_t blocks) {
    const auto* w = reinterpret_cast<const quants::BlockIQ4_NL*>(row);
    float sum = 0.0f;
    for (size_t b = 0; b < blocks; ++b) {
        int s = 0;
        for (int i = 0; i < 16; ++i)
            s += quants::k_iq4nlValues[w[b].qs[i] & 0x0F] * a[b].qs[i] +
                 quants::k_iq4nlValues[w[b].qs[i] >> 4] * a[b].qs[i + 16];
        sum += fp16ToFp32(w[b].d) * a[b].d * float(s);
    }
    return sum;
}

// Q4_K: w = d * sc[s] * q - dmin * m[s] per sub-block of 32, so the dot is
// d * sum_s sc[s] * sum(q * a) - dmin * sum_s m[s] * sum(a), the last sums from the block sums.
float dotQ4_K(const uint8_t* row, const BlockQ8_K* a, size_t blocks) {
    const auto* w = reinterpret_cast<const quants::BlockQ4_K*>(row);
    float sum = 0.0f;
    for (size_t b = 0; b < blocks; ++b) {
        const KQuantScales sm = unpackKQuantScales(w[b].scales);
        int dots = 0, mins = 0;
        for (int j = 0; j < 4; ++j) {
            int low = 0, high = 0;
            for (int l = 0; l < 32; ++l) {
                low += (w[b].qs[32 * j + l] & 0x0F) * a[b].qs[64 * j + l];
                high += (w[b].qs[32 * j + l] >> 4) * a[b].qs[64 * j + 32 + l];
            }
            dots += sm.scale[2 * j] * low + sm.scale[2 * j + 1] * high;
        }
        for (int s = 0; s < 8; ++s) mins += sm.min[s] * (a[b].bsums[2 * s] + a[b].bsums[2 * s + 1]);
        sum += a[b].d * (fp16ToFp32(w[b].d) * float(dots) - fp16ToFp32(w[b].dmin) * float(mins));
    }
    return sum;
}

float dotQ5_K(const uint8_t* row, const BlockQ8_K* a, size_t blocks) {
    const auto* w = reinterpret_cast<const quants::BlockQ5_K*>(row);
    float sum = 0.0f;
    for (size_t b = 0; b < blocks; ++b) {
        const KQuantScales sm = unpackKQuantScales(w[b].scales);
        int dots = 0, mins = 0;
        for (int j = 0; j < 4; ++j) {
            int low = 0, high = 0;
            for (int l = 0; l < 32; ++l) {
                const int ql = (w[b].qs[32 * j + l] & 0x0F) | (((w[b].qh[l] >> (2 * j)) & 1) << 4);
                const int qh = (w[b].qs[32 * j + l] >> 4) | (((w[b].qh[l] >> (2 * j + 1)) & 1) << 4);
                low += ql * a[b].qs[64 * j + l];
                high += qh * a[b].qs[64 * j + 32 + l];
            }
            dots += sm.scale[2 * j] * low + sm.scale[2 * j + 1] * high;
        }
        for (int s = 0; s < 8; ++s) mins += sm.min[s] * (a[b].bsums[2 * s] + a[b].bsums[2 * s + 1]);
        sum += a[b].d * (fp16ToFp32(w[b].d) * float(dots) - fp16ToFp32(w[b].dmin) * float(mins));
    }
    return sum;
}

// Q6_K: w = d * scales[s] * (q - 32) per sub-block of 16; the -32 comes out of the block sums.
float dotQ6_K(const uint8_t* row, const BlockQ8_K* a, size_t blocks) {
    const auto* w = reinterpret_cast<const quants::BlockQ6_K*>(row);
    float sum = 0.0f;
    for (size_t b = 0; b < blocks; ++b) {
        int dots = 0, offsets = 0;
        for (int h = 0; h < 2; ++h) {
            for (int k = 0; k < 4; ++k) {
                int sub[2] = {0, 0};
                for (int l = 0; l < 32; ++l) {
                    const uint8_t low = w[b].ql[64 * h + l + 32 * (k & 1)];
                    const int q = (k < 2 ? (low & 0x0F) : (low >> 4)) | (((w[b].qh[32 * h + l] >> (2 * k)) & 3) << 4);
                    sub[l / 16] += q * a[b].qs[128 * h + 32 * k + l];
                }
                dots += w[b].scales[8 * h + 2 * k] * sub[0] + w[b].scales[8 * h + 2 * k + 1] * sub[1];
            }
        }
        for (int s = 0; s < 16; ++s) offsets += w[b].scales[s] * a[b].bsums[s];
        sum += a[b].d * fp16ToFp32(w[b].d) * float(dots - 32 * offsets);
    }
    return sum;
}

// One weight row at a time against every token: the row stays in L1 while the tokens stream.
template <class Activation, float (*Dot)(const uint8_t*, const Activation*, size_t), size_t BlockSize>
void multiplyRows(const WeightView& w, size_t rowBegin, size_t rowEnd, const void* activations, size_t tokens,
                  float* y, size_t ldy) {
    const size_t blocks = w.n / BlockSize;
    const auto* a = static_cast<const Activation*>(activations);
    for (size_t i = rowBegin; i < rowEnd; ++i) {
        const uint8_t* row = w.data + i * w.rowBytes;
        for (size_t t = 0; t < tokens; ++t) y[t * ldy + i] = Dot(row, a + t * blocks, blocks);
    }
}

constexpr KernelEntry k_q4_0{ActivationFormat::Q8Per32, multiplyRows<ActivationBlock32, dotQ4_0, 32>, 1,
                             "q4_0 x q8_32 scalar"};
constexpr KernelEntry k_q8_0{ActivationFormat::Q8Per32, multiplyRows<ActivationBlock32, dotQ8_0, 32>, 1,
                             "q8_0 x q8_32 scalar"};
constexpr KernelEntry k_iq4_nl{ActivationFormat::Q8Per32, multiplyRows<ActivationBlock32, dotIQ4_NL, 32>, 1,
                               "iq4_nl x q8_32 scalar"};
constexpr KernelEntry k_q4_K{ActivationFormat::Q8Per256, multiplyRows<BlockQ8_K, dotQ4_K, 256>, 1,
                             "q4_K x q8_K scalar"};
constexpr KernelEntry k_q5_K{ActivationFormat::Q8Per256, multiplyRows<BlockQ8_K, dotQ5_K, 256>, 1,
                             "q5_K x q8_K scalar"};
constexpr KernelEntry k_q6_K{ActivationFormat::Q8Per256, multiplyRows<BlockQ8_K, dotQ6_K, 256>, 1,
                             "q6_K x q8_K scalar"};

}  // namespace

const KernelEntry* scalarKernel(TensorType type) {
    switch (type) {
        case TensorType::Q4_0: return &k_q4_0;
        case TensorType::Q8_0: return &k_q8_0;
        case TensorType::IQ4_NL: return &k_iq4_nl;
        case TensorType::Q4_K: return &k_q4_K;
        case TensorType::Q5_K: return &k_q5_K;
        case TensorType::Q6_K: return &k_q6_K;
        default: return nullptr;  // F32/F16/BF16 and the rest: the dequantizing kernel
    }
}

}  // namespace confidant::inference::cpu::kernels
