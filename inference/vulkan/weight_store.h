// The model's weights on the device. Matrices (embedding, projections, output) keep their file's
// quantization, repacked so that shaders read aligned words (layouts in shaders/include/weights*.glsl),
// and are split by rows into chunks that each fit maxStorageBufferRange. Small vectors (norm
// weights, biases) are stored as fp32. Uploads stream through the Transfer's staging ring, rows
// repacked straight into staging slots; where the device's memory is the host's (lavapipe,
// integrated GPUs) matrices are repacked straight into their buffers instead, on several threads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "gguf_file.h"
#include "graph.h"
#include "vulkan/transfer.h"

namespace confidant::inference::vulkan {

struct WeightChunk {
    Buffer buffer;
    uint32_t rowBegin = 0;
    uint32_t rows = 0;
    uint32_t scaleOffset = 0;  // quantized types: word index of the first scale in the buffer
};

struct DeviceMatrix {
    TensorType type = TensorType::F32;
    uint32_t rowLength = 0;
    uint32_t rows = 0;
    uint32_t rowStride = 0;  // float types: the row length padded to 32 elements
    std::vector<WeightChunk> chunks;
};

// The types matrices may have on the device, and the shader-variant suffix of each.
bool isDeviceMatrixType(TensorType type);
const char* shaderSuffix(TensorType type);
std::vector<TensorType> deviceMatrixTypes();  // in type-id order
std::string deviceMatrixTypeNames();          // "F32, F16, ...", for messages

// Device bytes a matrix takes once repacked and chunked (for the memory estimate).
uint64_t deviceMatrixBytes(const GgufTensorInfo& tensor, uint64_t maxBufferRange);

enum class MatrixUpload {
    Automatic,  // in place where the device's memory is mapped into the host's, else staged
    Staged,     // always through the Transfer's staging ring (tests of that path on any device)
};

class WeightStore {
public:
    // maxChunkBytes = 0: chunks as large as the device allows (tests force small ones).
    explicit WeightStore(const Device& device, uint64_t maxChunkBytes = 0, MatrixUpload upload = MatrixUpload::Automatic)
        : m_device(device), m_maxChunkBytes(maxChunkBytes ? maxChunkBytes : device.maxStorageBufferRange()),
          m_upload(upload) {}

    // Uploads `tensor` (if not yet there) and waits for it; the Error names the tensor.
    Result<void> addMatrix(const GgufTensorInfo& tensor, Transfer& transfer);
    Result<void> addVector(const GgufTensorInfo& tensor, Transfer& transfer);
    // Uploads every weight `graph` reads, the file reads and repacking of one piece overlapping the
    // device's copy of the previous ones, and waits for them all. On failure nothing is in flight.
    Result<void> addWeights(const Graph& graph, Transfer& transfer);

    const DeviceMatrix* matrix(const GgufTensorInfo* tensor) const;
    const Buffer* vector(const GgufTensorInfo* tensor) const;
    uint64_t bytes() const { return m_bytes; }
    uint64_t inPlaceBytes() const { return m_inPlaceBytes; }  // of bytes(): written straight into mapped memory

private:
    // Queue the copies without waiting (Transfer::finish() completes them).
    Result<void> queueMatrix(const GgufTensorInfo& tensor, Transfer& transfer);
    Result<void> queueVector(const GgufTensorInfo& tensor, Transfer& transfer);

    const Device& m_device;
    uint64_t m_maxChunkBytes;
    MatrixUpload m_upload;
    uint64_t m_inPlaceBytes = 0;
    std::map<const GgufTensorInfo*, DeviceMatrix> m_matrices;
    std::map<const GgufTensorInfo*, Buffer> m_vectors;
    uint64_t m_bytes = 0;
};

}  // namespace confidant::inference::vulkan
