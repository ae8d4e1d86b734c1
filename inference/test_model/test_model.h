// Generates GGUF models with deterministic random weights, the real tensor names and metadata of an
// architecture, and a real vocabulary: the files that tests and benchmarks run when no trained
// model of that shape may be committed. Quantized files mix types the way llama.cpp's quantizer does.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "tensor_type.h"

namespace confidant::inference {

enum class TestArch { Llama, Qwen2, Phi3, Qwen3 };
enum class TestShape { Tiny, M125, B1, B3, B8 };
// The file types of llama.cpp's quantizer that we reproduce (`general.file_type`).
enum class TestFileType { F32, F16, Q8_0, Q4_0, Q4_K_M, Q5_K_M, Q6_K };

std::optional<TestArch> parseTestArch(std::string_view name);    // "llama", "qwen2", "phi3", "qwen3"
std::optional<TestShape> parseTestShape(std::string_view name);  // "tiny", "125m", "1b", "3b", "8b"
std::optional<TestFileType> parseTestFileType(std::string_view name);  // "f32", ..., "q4_k_m"
std::string_view testArchName(TestArch arch);
std::string_view testShapeName(TestShape shape);
std::string_view testFileTypeName(TestFileType type);
uint32_t llamaFileTypeId(TestFileType type);  // the value of general.file_type

struct TestModelShape {
    uint32_t embeddingLength = 0;
    uint32_t blockCount = 0;
    uint32_t headCount = 0;
    uint32_t headCountKv = 0;
    uint32_t feedForwardLength = 0;
    uint32_t contextLength = 0;
    float ropeFreqBase = 10000.0f;
    float rmsEpsilon = 1e-5f;
    bool tiedOutput = false;       // no output.weight: the logits use token_embd
    float llama3RopeFactor = 0.0f; // > 0: write Llama 3.1-style rope_freqs with this scaling factor
};
// The hyperparameters of a shape for an architecture, before --untied-output is applied.
TestModelShape testModelShape(TestArch arch, TestShape shape);

struct TestModelOptions {
    TestArch arch = TestArch::Llama;
    TestShape shape = TestShape::Tiny;
    TestFileType fileType = TestFileType::F32;
    std::string vocabPath;  // a GGUF whose tokenizer.* metadata is copied
    uint64_t seed = 0;
    std::optional<bool> tiedOutput;  // overrides the shape's default
    // Every matrix in this one type instead of the file type's mix (llama-quantize --pure), to
    // test each tensor type on its own; 1-D tensors stay F32.
    std::optional<TensorType> pureType;
    unsigned threads = 0;            // 0: every core
    // Called after each tensor with bytes written so far and the total; may be empty.
    std::function<void(uint64_t written, uint64_t total)> progress;
};

struct PlannedTensor {
    std::string name;
    TensorType type = TensorType::F32;
    std::vector<uint64_t> dims;  // ggml order
};

// The tensor type llama.cpp's quantizer picks for a tensor of a `fileType` file (F32 for 1-D
// tensors; Q6_K for the output matrix; Q6_K for attn_v/ffn_down of the layers use_more_bits picks
// in Q4_K_M/Q5_K_M; ...), after falling back from block sizes the row length cannot hold.
// `layer` and `layerCount` locate blk.N tensors; `isOutput` marks the matrix that makes logits.
TensorType chooseTestTensorType(std::string_view name, const std::vector<uint64_t>& dims, TestFileType fileType,
                                uint32_t layer, uint32_t layerCount, bool isOutput);

// The type of every matrix in a --pure file of `type` (F32 for 1-D tensors), after the same
// fallback for rows that cannot hold whole blocks.
TensorType choosePureTensorType(const std::vector<uint64_t>& dims, TensorType type);

// Tensor types a pure file may use: those with a quantizer that models store (not Q8_K).
bool isPureTestType(TensorType type);
std::optional<TensorType> parsePureTestType(std::string_view name);  // "q3_k", "iq4_nl", "bf16", ...

// Every tensor the file will hold, in file order, with its type.
std::vector<PlannedTensor> planTestModel(TestArch arch, const TestModelShape& shape, TestFileType fileType,
                                         uint32_t vocabSize, std::optional<TensorType> pureType = std::nullopt);

struct TestModelSummary {
    uint64_t fileBytes = 0;
    uint64_t parameters = 0;
    size_t tensors = 0;
};

// Writes the model to `outputPath`, streaming one tensor at a time. Same options and seed give
// the same bytes on every platform and thread count.
Result<TestModelSummary> writeTestModel(const TestModelOptions& options, const std::string& outputPath);

}  // namespace confidant::inference
