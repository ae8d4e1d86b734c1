// Shared by the Vulkan tests: one device for the whole executable, in-memory tensors of every
// type, a harness that runs single-op graphs with guard words after each output, and error measures.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "gguf_file.h"
#include "gguf_writer.h"
#include "model.h"
#include "test_model/test_model.h"
#include "vulkan/graph_executor.h"

namespace confidant::vktest {

using namespace confidant::inference;
using namespace confidant::inference::vulkan;

// The device and the pipelines of every kernel and type, made once (pipeline creation is the
// slow part on lavapipe).
struct Gpu {
    std::unique_ptr<Device> device;
    std::unique_ptr<PipelineLibrary> library;
    std::optional<Kernels> kernels;
    std::optional<Transfer> transfer;
    std::string error;  // set when the device could not be set up

    static Gpu& instance();
};

// Random tensor contents: floats in [-scale, scale], or blocks with random quants and scales of
// that magnitude.
std::vector<uint8_t> randomTensorBytes(TensorType type, size_t count, std::mt19937& random, float scale);
std::vector<float> randomFloats(size_t count, std::mt19937& random, float scale = 1.0f);

// Tensors written with GgufWriter and read back through GgufFile, as a model's would be.
class TensorSet {
public:
    void add(const std::string& name, TensorType type, std::vector<uint64_t> dims, std::vector<uint8_t> bytes);
    void addRandom(const std::string& name, TensorType type, uint32_t rowLength, uint32_t rows, std::mt19937& random,
                   float scale);
    void finish();  // after the last add
    const GgufTensorInfo* operator[](const std::string& name) const;

private:
    GgufWriter m_writer;
    std::vector<uint8_t> m_bytes;
    std::shared_ptr<const GgufFile> m_file;
};

// make-test-model's tiny shape (`options` says the rest) with the vocabulary of `vocabPath`, written
// to a temporary file named after `label` and loaded; the file is removed at once (the mapping keeps
// the data readable).
Result<std::shared_ptr<const Model>> loadTinyTestModel(TestModelOptions options, const std::string& vocabPath,
                                                       const std::string& label);

// Normalized mean squared error: sum((a-e)^2) / sum(e^2).
double nmse(std::span<const float> expected, std::span<const float> actual);
bool allFinite(std::span<const float> values);
std::string scientific(double value);  // "1.23e-07", for test properties

constexpr uint32_t k_guardWords = 64;
constexpr uint32_t k_guardPattern = 0x7FC0DEADu;

// Runs graphs of a few ops against uploaded weights and a KV cache of its own.
class Harness {
public:
    explicit Harness(uint32_t layers = 1, uint32_t contextLength = 64, uint32_t kvDim = 2, uint64_t maxChunkBytes = 0);

    Result<void> addMatrix(const GgufTensorInfo* t) { return m_weights.addMatrix(*t, *gpu().transfer); }
    Result<void> addVector(const GgufTensorInfo* t) { return m_weights.addVector(*t, *gpu().transfer); }

    // Records `graph`, filling every activation with zeros and its guard words with the pattern.
    std::unique_ptr<GraphExecutor> build(const Graph& graph);
    void upload(const GraphExecutor& executor, ActivationId id, std::span<const float> values);
    std::vector<float> download(const GraphExecutor& executor, const Graph& graph, ActivationId id);
    // True when the guard words after activation `id` still hold the pattern.
    bool guardIntact(const GraphExecutor& executor, const Graph& graph, ActivationId id);

    Gpu& gpu() { return Gpu::instance(); }
    KvCache& cache() { return m_cache; }
    const WeightStore& weights() const { return m_weights; }

private:
    WeightStore m_weights;
    KvCache m_cache;
    RopeTables m_rope;
};

}  // namespace confidant::vktest

// Ends the test when there is no usable Vulkan device (never expected in CI, which has lavapipe).
#define CONFIDANT_REQUIRE_GPU()                                                              \
    do {                                                                                     \
        if (!::confidant::vktest::Gpu::instance().error.empty())                             \
            FAIL() << "no Vulkan device: " << ::confidant::vktest::Gpu::instance().error;   \
    } while (0)
