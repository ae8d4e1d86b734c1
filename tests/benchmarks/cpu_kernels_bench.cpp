// Single-thread speed of the CPU matrix-product kernels on the 1B model's FFN shapes: GB/s of
// weights streamed for decode (1 token) and prompt processing (64 tokens), per type and ISA level.
// Usage: cpu_kernels_bench [type ...]   (types by GGUF name, e.g. Q4_0 Q4_K; default: the fast ones)
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <time.h>

#include "cpu/kernels/matmul.h"
#include "gguf_file.h"
#include "tensor_type.h"

using namespace confidant::inference;
using namespace confidant::inference::cpu::kernels;

namespace {

// Weights: 64 distinct quantized rows repeated (quantizing 16M values would take longer than the
// measurement, and the kernels' speed does not depend on the values).
std::vector<uint8_t> makeWeights(TensorType type, size_t rows, size_t n) {
    std::mt19937 rng(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const size_t rowSize = rowBytes(type, n), distinct = 64;
    std::vector<float> values(n);
    std::vector<uint8_t> bytes(rows * rowSize);
    for (size_t r = 0; r < distinct; ++r) {
        for (float& v : values) v = normal(rng);
        traitsOf(type).quantize(values.data(), bytes.data() + r * rowSize, n);
    }
    for (size_t r = distinct; r < rows; ++r) std::memcpy(bytes.data() + r * rowSize, bytes.data() + (r % distinct) * rowSize, rowSize);
    return bytes;
}

// This thread's CPU time, not wall time: on a shared machine the wall clock measures the other
// processes too. (The caches and memory bus are still shared; run it on a quiet machine.)
double seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<TensorType> types = {TensorType::Q4_0, TensorType::Q8_0, TensorType::IQ4_NL, TensorType::Q4_K,
                                     TensorType::Q5_K, TensorType::Q6_K, TensorType::F16,    TensorType::BF16};
    if (argc > 1) {
        types.clear();
        for (int i = 1; i < argc; ++i) {
            bool found = false;
            for (uint32_t id = 0; id < 64 && !found; ++id) {
                const auto traits = tensorTypeTraits(id);
                if (traits && traits->name == argv[i] && traits->quantize && traits->dequantize) {
                    types.push_back(traits->type);
                    found = true;
                }
            }
            if (!found) {
                std::fprintf(stderr, "cpu_kernels_bench: %s is not a type Confidant can write (try Q4_0, Q4_K, F16)\n", argv[i]);
                return 2;
            }
        }
    }
    struct Shape {
        size_t n, rows;
    };
    const Shape shapes[] = {{2048, 8192}, {8192, 2048}};
    std::printf("machine ISA: %s\n", std::string(isaName(machineIsa())).c_str());
    std::printf("%-26s %-11s %7s %9s %9s %12s\n", "kernel", "n x rows", "tokens", "ms/call", "GB/s", "GMAC/s");
    for (TensorType type : types) {
        for (const Shape& shape : shapes) {
            const std::vector<uint8_t> bytes = makeWeights(type, shape.rows, shape.n);
            GgufTensorInfo info;
            info.name = "bench";
            info.type = type;
            info.dims = {shape.n, shape.rows};
            info.elementCount = shape.n * shape.rows;
            info.byteSize = bytes.size();
            info.data = bytes.data();
            for (Isa isa : {Isa::Scalar, machineIsa()}) {
                if (isa == Isa::Scalar && machineIsa() != Isa::Scalar && shape.n != 2048) continue;  // scalar: one shape
                const auto pm = prepareMatrix(info, isa);
                for (size_t tokens : {size_t(1), size_t(64)}) {
                    if (isa == Isa::Scalar && machineIsa() != Isa::Scalar && tokens > 1) continue;  // minutes
                    std::vector<float> x(tokens * shape.n);
                    std::mt19937 rng(2);
                    std::normal_distribution<float> normal(0.0f, 1.0f);
                    for (float& v : x) v = normal(rng);
                    std::vector<uint8_t> a(tokens * pm->activationRowBytes());
                    std::vector<float> y(tokens * shape.rows);
                    size_t calls = 0;
                    const double start = seconds();
                    double now = start;
                    while (calls < 3 || now - start < 0.3) {
                        pm->quantizeActivations(x.data(), 0, tokens, a.data());
                        pm->multiply(0, shape.rows, a.data(), tokens, y.data(), shape.rows);
                        ++calls;
                        now = seconds();
                    }
                    const double perCall = (now - start) / double(calls);
                    char dims[32];
                    std::snprintf(dims, sizeof dims, "%zux%zu", shape.n, shape.rows);
                    std::printf("%-26s %-11s %7zu %9.3f %9.2f %12.2f\n", std::string(pm->kernelName()).c_str(), dims,
                                tokens, perCall * 1e3, double(bytes.size()) / perCall / 1e9,
                                double(shape.n) * double(shape.rows) * double(tokens) / perCall / 1e9);
                    std::fflush(stdout);
                }
            }
        }
    }
    return 0;
}
