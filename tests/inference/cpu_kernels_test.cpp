// The fast CPU backend's matrix-product kernels against the reference (dequantize, fp32 dot), on
// every ISA level this machine has and the scalar path: every weight type the engine can write,
// odd shapes, guard regions around the outputs, and bit-identical results for any row split.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "cpu/kernels/matmul.h"
#include "gguf_file.h"
#include "tensor_type.h"

namespace confidant::inference::cpu::kernels {
namespace {

// A weight matrix of random values quantized into `type`, owned by the test.
struct TestMatrix {
    std::vector<uint8_t> bytes;
    GgufTensorInfo info;
};

TestMatrix makeMatrix(TensorType type, size_t rows, size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> values(rows * n);
    for (float& v : values) v = normal(rng);
    // A few rows with a much larger range, as real weight matrices have (outlier channels).
    for (size_t r = 0; r < rows; r += 5)
        for (size_t j = 0; j < n; ++j) values[r * n + j] *= 8.0f;
    TestMatrix m;
    const size_t rowSize = rowBytes(type, n);
    m.bytes.resize(rows * rowSize);
    for (size_t r = 0; r < rows; ++r) traitsOf(type).quantize(values.data() + r * n, m.bytes.data() + r * rowSize, n);
    m.info.name = "test";
    m.info.type = type;
    m.info.dims = {n, rows};
    m.info.elementCount = rows * n;
    m.info.byteSize = m.bytes.size();
    m.info.data = m.bytes.data();
    return m;
}

std::vector<float> randomActivations(size_t tokens, size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(tokens * n);
    for (float& v : x) v = normal(rng);
    return x;
}

// The reference's matMul: each row dequantized by the type's own function, fp32 dots.
std::vector<float> referenceProduct(const TestMatrix& m, const std::vector<float>& x, size_t tokens) {
    const size_t n = m.info.dims[0], rows = m.info.rows();
    std::vector<float> row(n), y(tokens * rows);
    for (size_t i = 0; i < rows; ++i) {
        traitsOf(m.info.type).dequantize(m.bytes.data() + i * rowBytes(m.info.type, n), row.data(), n);
        for (size_t t = 0; t < tokens; ++t) {
            float sum = 0.0f;
            for (size_t j = 0; j < n; ++j) sum += row[j] * x[t * n + j];
            y[t * rows + i] = sum;
        }
    }
    return y;
}

std::vector<Isa> levelsToTest() {
    std::vector<Isa> levels;
    for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::AvxVnni, Isa::Avx512, Isa::Avx512Vnni})
        if (isa <= machineIsa()) levels.push_back(isa);
    return levels;
}

std::vector<uint8_t> quantized(const PreparedMatrix& pm, const std::vector<float>& x, size_t tokens) {
    std::vector<uint8_t> a(tokens * pm.activationRowBytes());
    pm.quantizeActivations(x.data(), 0, tokens, a.data());
    return a;
}

constexpr float k_guard = -12345.0f;
constexpr size_t k_guardCells = 7;  // before and after the output, and in each row's padding

struct Shape {
    size_t rows, n;
};

// The types the engine can both write and read, with shapes whose n is a multiple of the block
// but not of 256 (where the block allows) nor of the vector widths, and rows not a multiple of 4.
std::vector<std::pair<TensorType, std::vector<Shape>>> typesAndShapes() {
    const std::vector<Shape> per32 = {{13, 96}, {4, 288}, {1, 32}, {6, 544}};
    const std::vector<Shape> per256 = {{13, 256}, {5, 768}, {1, 512}};
    const std::vector<Shape> perValue = {{13, 37}, {4, 261}, {3, 8}, {5, 1}};
    return {
        {TensorType::Q4_0, per32},   {TensorType::Q8_0, per32},   {TensorType::IQ4_NL, per32},
        {TensorType::Q4_1, per32},   {TensorType::Q5_0, per32},   {TensorType::Q5_1, per32},
        {TensorType::Q4_K, per256},  {TensorType::Q5_K, per256},  {TensorType::Q6_K, per256},
        {TensorType::Q2_K, per256},  {TensorType::Q3_K, per256},  {TensorType::Q8_K, per256},
        {TensorType::F32, perValue}, {TensorType::F16, perValue}, {TensorType::BF16, perValue},
    };
}

TEST(CpuKernels, ProductsMatchTheReferenceOnEveryLevelTypeAndShape) {
    uint32_t seed = 1;
    for (Isa isa : levelsToTest()) {
        for (const auto& [type, shapes] : typesAndShapes()) {
            for (const Shape& shape : shapes) {
                const TestMatrix m = makeMatrix(type, shape.rows, shape.n, seed++);
                const auto pm = prepareMatrix(m.info, isa);
                ASSERT_EQ(pm->rows(), shape.rows);
                ASSERT_EQ(pm->columns(), shape.n);
                // NMSE over every output of the shape (all token counts): a statistic of one or
                // two outputs would measure the luck of the draw, not the kernel.
                double error = 0.0, energy = 0.0;
                for (size_t tokens : {1, 2, 3, 5, 17}) {
                    SCOPED_TRACE(std::string(pm->kernelName()) + " isa " + std::string(isaName(isa)) + " rows " +
                                 std::to_string(shape.rows) + " n " + std::to_string(shape.n) + " tokens " +
                                 std::to_string(tokens));
                    const std::vector<float> x = randomActivations(tokens, shape.n, seed++);
                    const std::vector<uint8_t> a = quantized(*pm, x, tokens);
                    const size_t ldy = shape.rows + k_guardCells;
                    std::vector<float> out(k_guardCells + tokens * ldy + k_guardCells, k_guard);
                    float* y = out.data() + k_guardCells;
                    pm->multiply(0, shape.rows, a.data(), tokens, y, ldy);

                    const std::vector<float> ref = referenceProduct(m, x, tokens);
                    for (size_t t = 0; t < tokens; ++t) {
                        for (size_t i = 0; i < shape.rows; ++i) {
                            const float v = y[t * ldy + i], r = ref[t * shape.rows + i];
                            ASSERT_TRUE(std::isfinite(v)) << "row " << i << " token " << t;
                            error += double(v - r) * double(v - r);
                            energy += double(r) * double(r);
                        }
                    }
                    for (size_t c = 0; c < out.size(); ++c) {
                        const bool inside = c >= k_guardCells && (c - k_guardCells) / ldy < tokens &&
                                            (c - k_guardCells) % ldy < shape.rows;
                        if (!inside) {
                            ASSERT_EQ(out[c], k_guard) << "written outside the output at cell " << c;
                        }
                    }
                }
                EXPECT_LE(error / energy, 5e-4) << pm->kernelName() << " rows " << shape.rows << " n " << shape.n;
            }
        }
    }
}

TEST(CpuKernels, RowChunksGiveTheSameBitsAsOneCallAndWriteOnlyTheirRows) {
    uint32_t seed = 1000;
    for (Isa isa : levelsToTest()) {
        for (const auto& [type, shapes] : typesAndShapes()) {
            const Shape shape{23, shapes.front().n};
            const TestMatrix m = makeMatrix(type, shape.rows, shape.n, seed++);
            const auto pm = prepareMatrix(m.info, isa);
            SCOPED_TRACE(std::string(pm->kernelName()));
            const size_t tokens = 5;
            const std::vector<float> x = randomActivations(tokens, shape.n, seed++);
            const std::vector<uint8_t> a = quantized(*pm, x, tokens);
            std::vector<float> whole(tokens * shape.rows, k_guard);
            pm->multiply(0, shape.rows, a.data(), tokens, whole.data(), shape.rows);

            const size_t g = pm->rowGranularity();
            ASSERT_GE(g, 1u);
            std::vector<float> chunked(tokens * shape.rows, k_guard);
            for (size_t begin = 0; begin < shape.rows;) {
                const size_t end = std::min(shape.rows, begin + g * (begin % 3 + 1));  // uneven chunks
                pm->multiply(begin, end, a.data(), tokens, chunked.data(), shape.rows);
                for (size_t t = 0; t < tokens; ++t)
                    for (size_t i = end; i < shape.rows; ++i)
                        ASSERT_EQ(chunked[t * shape.rows + i], k_guard) << "chunk " << begin << ".." << end;
                begin = end;
            }
            ASSERT_EQ(std::memcmp(whole.data(), chunked.data(), whole.size() * sizeof(float)), 0);
        }
    }
}

TEST(CpuKernels, ActivationRowsAreQuantizedIndependently) {
    for (const auto& [type, shapes] : typesAndShapes()) {
        const size_t n = shapes.front().n, tokens = 4;
        const TestMatrix m = makeMatrix(type, 4, n, 7);
        const auto pm = prepareMatrix(m.info, selectedIsa());
        const std::vector<float> x = randomActivations(tokens, n, 8);
        const std::vector<uint8_t> all = quantized(*pm, x, tokens);
        std::vector<uint8_t> parts(all.size(), 0xA5);
        pm->quantizeActivations(x.data(), 1, 3, parts.data());
        const size_t bytes = pm->activationRowBytes();
        for (size_t i = 0; i < parts.size(); ++i) {
            if (i >= bytes && i < 3 * bytes) {
                ASSERT_EQ(parts[i], all[i]) << tensorTypeName(type) << " byte " << i;
            } else {
                ASSERT_EQ(parts[i], 0xA5) << tensorTypeName(type) << " wrote outside its rows at byte " << i;
            }
        }
    }
}

// The vector levels must really run their kernels for the fast types (a level that silently fell
// back to the scalar path would pass the parity tests while being slow).
TEST(CpuKernels, EachLevelUsesItsOwnKernelsForTheFastTypes) {
    for (Isa isa : levelsToTest()) {
        for (TensorType type : {TensorType::Q4_0, TensorType::Q8_0, TensorType::IQ4_NL, TensorType::Q4_K,
                                TensorType::Q5_K, TensorType::Q6_K}) {
            const TestMatrix m = makeMatrix(type, 4, 256, 3);
            const std::string name(prepareMatrix(m.info, isa)->kernelName());
            const std::string expected = isa == Isa::Scalar ? "scalar" : "avx2";
            EXPECT_NE(name.find(expected), std::string::npos) << name << " at " << isaName(isa);
        }
    }
}

TEST(CpuKernels, IsaLevelsHaveNamesAndTheSelectionNeverExceedsTheMachine) {
    for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::AvxVnni, Isa::Avx512, Isa::Avx512Vnni})
        EXPECT_EQ(parseIsaName(isaName(isa)), isa);
    EXPECT_FALSE(parseIsaName("avx3").has_value());
    EXPECT_FALSE(parseIsaName("").has_value());
    EXPECT_LE(selectedIsa(), machineIsa());
}

}  // namespace
}  // namespace confidant::inference::cpu::kernels
