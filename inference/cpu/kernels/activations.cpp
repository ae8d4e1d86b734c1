// Activation rows into the 8-bit block formats the integer dot products take. One implementation
// for every ISA level: the rounding is then identical, and levels differ only in the products.
#include <cmath>
#include <cstring>

#include "cpu/kernels/kernel_table.h"
#include "quants/quants.h"

namespace confidant::inference::cpu::kernels {
namespace {

// Symmetric 8-bit quantization of `count` values with one scale: q in [-127, 127] (never -128,
// so that |q| fits the unsigned operand of maddubs and pair sums cannot saturate).
float quantizeSymmetric(const float* x, size_t count, int8_t* q) {
    float amax = 0.0f;
    for (size_t i = 0; i < count; ++i) amax = std::fmax(amax, std::fabs(x[i]));
    const float d = amax / 127.0f;
    const float id = d > 0.0f ? 1.0f / d : 0.0f;
    for (size_t i = 0; i < count; ++i) {
        float v = std::nearbyint(x[i] * id);
        // Written so that NaN also lands inside the range: a float-to-int cast of NaN is undefined.
        v = v <= 127.0f ? v : 127.0f;
        v = v >= -127.0f ? v : -127.0f;
        q[i] = int8_t(v);
    }
    return d;
}

}  // namespace

size_t activationRowBytes(ActivationFormat format, size_t n) {
    switch (format) {
        case ActivationFormat::Fp32: return n * sizeof(float);
        case ActivationFormat::Q8Per32: return n / 32 * sizeof(ActivationBlock32);
        case ActivationFormat::Q8Per256: return n / quants::k_superBlock * sizeof(quants::BlockQ8_K);
    }
    return 0;
}

void quantizeActivationRow(ActivationFormat format, const float* x, size_t n, void* dst) {
    switch (format) {
        case ActivationFormat::Fp32:
            std::memcpy(dst, x, n * sizeof(float));
            return;
        case ActivationFormat::Q8Per32: {
            auto* blocks = static_cast<ActivationBlock32*>(dst);
            for (size_t b = 0; b < n / 32; ++b) blocks[b].d = quantizeSymmetric(x + 32 * b, 32, blocks[b].qs);
            return;
        }
        case ActivationFormat::Q8Per256: {
            auto* blocks = static_cast<quants::BlockQ8_K*>(dst);
            for (size_t b = 0; b < n / quants::k_superBlock; ++b) {
                quants::BlockQ8_K& block = blocks[b];
                block.d = quantizeSymmetric(x + quants::k_superBlock * b, quants::k_superBlock, block.qs);
                for (int g = 0; g < 16; ++g) {
                    int sum = 0;
                    for (int i = 0; i < 16; ++i) sum += block.qs[16 * g + i];
                    block.bsums[g] = int16_t(sum);
                }
            }
            return;
        }
    }
}

}  // namespace confidant::inference::cpu::kernels
