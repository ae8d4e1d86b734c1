// IQ4_NL: 32-element blocks of 4-bit indices into a fixed non-linear code book, one fp16 scale.
#include <cmath>

#include "quants/quants.h"
#include "tensor_type.h"

namespace confidant::inference::quants {
namespace {

// The code-book index whose value is nearest to v (values in code-book units).
int nearestIndex(float v) {
    int best = 0;
    float bestDistance = std::fabs(v - float(k_iq4nlValues[0]));
    for (int i = 1; i < 16; ++i) {
        const float distance = std::fabs(v - float(k_iq4nlValues[i]));
        if (distance < bestDistance) {
            bestDistance = distance;
            best = i;
        }
    }
    return best;
}

}  // namespace

void dequantizeIQ4_NL(const void* src, float* dst, size_t count) {
    const auto* blocks = static_cast<const BlockIQ4_NL*>(src);
    for (size_t b = 0; b < count / 32; ++b) {
        const float d = fp16ToFp32(blocks[b].d);
        for (int j = 0; j < 16; ++j) {
            dst[b * 32 + j] = d * float(k_iq4nlValues[blocks[b].qs[j] & 0x0F]);
            dst[b * 32 + j + 16] = d * float(k_iq4nlValues[blocks[b].qs[j] >> 4]);
        }
    }
}

void quantizeIQ4_NL(const float* src, void* dst, size_t count) {
    auto* blocks = static_cast<BlockIQ4_NL*>(dst);
    int q[32];
    for (size_t b = 0; b < count / 32; ++b) {
        const float* x = src + b * 32;
        float extreme = 0.0f;
        for (int j = 0; j < 32; ++j)
            if (std::fabs(x[j]) > std::fabs(extreme)) extreme = x[j];
        float bestScale = 0.0f;
        double bestGain = -1.0;
        if (extreme != 0.0f) {
            // The code book is asymmetric (-127..113), so try mapping the extreme value to either
            // end, with a range of slightly smaller scales, each refined by least squares.
            for (float end : {-127.0f, 113.0f}) {
                for (int step = -2; step <= 10; ++step) {
                    const float s = extreme / (end * (1.0f + 0.04f * float(step)));
                    int trial[32];
                    double sumXv = 0, sumVv = 0;
                    for (int j = 0; j < 32; ++j) {
                        trial[j] = nearestIndex(x[j] / s);
                        const double v = k_iq4nlValues[trial[j]];
                        sumXv += x[j] * v;
                        sumVv += v * v;
                    }
                    const double gain = sumXv * sumXv / sumVv;
                    if (gain > bestGain) {
                        bestGain = gain;
                        bestScale = float(sumXv / sumVv);
                    }
                }
            }
        }
        blocks[b].d = fp32ToFp16(bestScale);
        const float d = fp16ToFp32(blocks[b].d);
        for (int j = 0; j < 32; ++j) q[j] = d != 0.0f ? nearestIndex(x[j] / d) : 8;
        // Index 8 is the value 1: with d = 0 every index decodes to 0 anyway.
        for (int j = 0; j < 16; ++j) blocks[b].qs[j] = uint8_t(q[j] | (q[j + 16] << 4));
    }
}

}  // namespace confidant::inference::quants
