// Shared scale searches for our quantizers: fit x ≈ s·q (symmetric) or x ≈ s·q + b (affine) for a
// small group of values with integer q in a range, trying a few scales and refining each by least
// squares. Internal to inference/quants.
#pragma once

#include <cstddef>
#include <cstdint>

namespace confidant::inference::quants {

// Round half away from zero, the rounding every quantizer here uses.
int roundToInt(float x);

// Finds s and q[i] in [qmin, qmax] minimizing Σ(x - s·q)². The value of largest magnitude maps to
// qmin (the wider side of an asymmetric range), so s may be negative. Returns s (0 for all-zero x).
float fitSymmetric(const float* x, size_t n, int qmin, int qmax, int* q);

// Finds s ≥ 0, b and q[i] in [0, qmax] minimizing Σ(x - s·q - b)². With `offsetAtMostZero`, b is
// kept ≤ 0 (the K-quants store it as a subtracted non-negative minimum).
void fitAffine(const float* x, size_t n, int qmax, bool offsetAtMostZero, float& s, float& b, int* q);

// Quantizes x to q = round(x / s) clamped to [qmin, qmax] (0 when s is 0).
void quantizeWithScale(const float* x, size_t n, float s, int qmin, int qmax, int* q);

// Quantizes x to q = round((x - b) / s) clamped to [0, qmax] (0 when s is 0).
void quantizeWithScaleOffset(const float* x, size_t n, float s, float b, int qmax, int* q);

}  // namespace confidant::inference::quants
