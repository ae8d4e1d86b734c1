// Scale searches shared by the quantizers (see scale_fit.h).
#include "quants/scale_fit.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <cassert>

namespace confidant::inference::quants {
namespace {

// Relative steps around the plain max-abs or min-max scale: a slightly smaller scale often
// lowers the error of the many small values at the cost of clipping the extreme one.
constexpr int k_steps = 12;
constexpr float k_stepSize = 0.04f;
constexpr size_t k_maxGroup = 32;  // the largest group any block type fits at once

}  // namespace

int roundToInt(float x) { return int(std::lround(x)); }

void quantizeWithScale(const float* x, size_t n, float s, int qmin, int qmax, int* q) {
    const float inv = s != 0.0f ? 1.0f / s : 0.0f;
    for (size_t i = 0; i < n; ++i) q[i] = std::clamp(roundToInt(x[i] * inv), qmin, qmax);
}

void quantizeWithScaleOffset(const float* x, size_t n, float s, float b, int qmax, int* q) {
    const float inv = s != 0.0f ? 1.0f / s : 0.0f;
    for (size_t i = 0; i < n; ++i) q[i] = std::clamp(roundToInt((x[i] - b) * inv), 0, qmax);
}

float fitSymmetric(const float* x, size_t n, int qmin, int qmax, int* q) {
    float extreme = 0.0f;
    for (size_t i = 0; i < n; ++i)
        if (std::fabs(x[i]) > std::fabs(extreme)) extreme = x[i];
    if (extreme == 0.0f) {
        std::fill(q, q + n, 0);
        return 0.0f;
    }
    assert(n <= k_maxGroup);
    std::array<int, k_maxGroup> trial{};
    float bestScale = extreme / float(qmin);
    double bestGain = -1.0;
    for (int step = -2; step <= k_steps; ++step) {
        // Trial scales from a little above the max-abs scale down to ~half of it.
        const float s = extreme / (float(qmin) * (1.0f + k_stepSize * float(step)));
        quantizeWithScale(x, n, s, qmin, qmax, trial.data());
        double sumXq = 0, sumQq = 0;
        for (size_t i = 0; i < n; ++i) {
            sumXq += double(x[i]) * trial[i];
            sumQq += double(trial[i]) * trial[i];
        }
        if (sumQq == 0) continue;
        // The least-squares scale for these q lowers the error by sumXq²/sumQq: maximize it.
        const double gain = sumXq * sumXq / sumQq;
        if (gain > bestGain) {
            bestGain = gain;
            bestScale = float(sumXq / sumQq);
            std::copy(trial.begin(), trial.begin() + ptrdiff_t(n), q);
        }
    }
    if (bestGain < 0) quantizeWithScale(x, n, bestScale, qmin, qmax, q);
    return bestScale;
}

void fitAffine(const float* x, size_t n, int qmax, bool offsetAtMostZero, float& s, float& b, int* q) {
    float lo = x[0], hi = x[0];
    for (size_t i = 1; i < n; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
    }
    if (offsetAtMostZero) lo = std::min(lo, 0.0f);
    if (hi - lo <= 0.0f) {
        s = 0.0f;
        b = lo;
        std::fill(q, q + n, 0);
        return;
    }
    assert(n <= k_maxGroup);
    std::array<int, k_maxGroup> trial{};
    double bestError = -1.0;
    for (int step = -2; step <= k_steps; ++step) {
        const float trialScale = (hi - lo) / (float(qmax) * (1.0f + k_stepSize * float(step)));
        quantizeWithScaleOffset(x, n, trialScale, lo, qmax, trial.data());
        double sumQ = 0, sumQq = 0, sumX = 0, sumXq = 0;
        for (size_t i = 0; i < n; ++i) {
            sumQ += trial[i];
            sumQq += double(trial[i]) * trial[i];
            sumX += x[i];
            sumXq += double(x[i]) * trial[i];
        }
        // Least squares for (scale, offset) given q, then the constraints.
        double ts = trialScale, tb = lo;
        const double det = double(n) * sumQq - sumQ * sumQ;
        if (det > 0) {
            ts = (double(n) * sumXq - sumQ * sumX) / det;
            tb = (sumX - ts * sumQ) / double(n);
        }
        if (offsetAtMostZero && tb > 0) {
            tb = 0;
            ts = sumQq > 0 ? sumXq / sumQq : 0;
        }
        if (ts < 0) {
            ts = trialScale;
            tb = lo;
        }
        double error = 0;
        for (size_t i = 0; i < n; ++i) {
            const double e = x[i] - ts * trial[i] - tb;
            error += e * e;
        }
        if (bestError < 0 || error < bestError) {
            bestError = error;
            s = float(ts);
            b = float(tb);
            std::copy(trial.begin(), trial.begin() + ptrdiff_t(n), q);
        }
    }
}

}  // namespace confidant::inference::quants
