// Writes a GGUF v3 file whose tensor data is produced one tensor at a time, so that multi-gigabyte
// models never sit in memory: the header (metadata and every tensor's name, shape, type and offset)
// is written first from the declared sizes, then each tensor's bytes in declaration order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "gguf_file.h"
#include "result.h"

namespace confidant::inference {

struct StreamedTensorInfo {
    std::string name;
    TensorType type = TensorType::F32;
    std::vector<uint64_t> dims;  // ggml order: dims[0] is the row length
    uint64_t byteSize() const;
};

class GgufStreamWriter {
public:
    GgufStreamWriter() = default;
    ~GgufStreamWriter();  // an unfinished file is closed and removed
    GgufStreamWriter(const GgufStreamWriter&) = delete;
    GgufStreamWriter& operator=(const GgufStreamWriter&) = delete;

    // Creates `path` and writes the header. Tensors are then written with append(), in order.
    Result<void> open(const std::string& path, const std::vector<std::pair<std::string, GgufValue>>& metadata,
                      std::vector<StreamedTensorInfo> tensors, uint64_t alignment = 32);
    // Appends the next part of the current tensor's bytes; a tensor is complete (and padded)
    // once its byteSize() bytes have been appended.
    Result<void> append(const uint8_t* data, size_t size);
    // Checks that every tensor was written completely and closes the file.
    Result<void> finish();

private:
    Result<void> writeRaw(const void* data, size_t size);

    std::FILE* m_file = nullptr;
    std::string m_path;
    std::vector<StreamedTensorInfo> m_tensors;
    uint64_t m_alignment = 32;
    size_t m_current = 0;        // index of the tensor being written
    uint64_t m_writtenOfCurrent = 0;
};

}  // namespace confidant::inference
