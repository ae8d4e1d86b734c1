// Writes GGUF v3 files: metadata in insertion order, tensor data aligned to general.alignment.
// Used by make-test-model and by tests that build valid and deliberately broken files.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "gguf_file.h"
#include "result.h"

namespace confidant::inference {

GgufValue ggufUInt32(uint32_t v);
GgufValue ggufInt32(int32_t v);
GgufValue ggufUInt64(uint64_t v);
GgufValue ggufFloat32(float v);
GgufValue ggufBool(bool v);
GgufValue ggufString(std::string v);
GgufValue ggufArray(GgufType elementType, std::vector<GgufValue> items);
GgufValue ggufStringArray(const std::vector<std::string>& items);

// Little-endian GGUF encoding into a growing byte buffer, shared by GgufWriter and the streaming
// writer of test_model/.
class GgufBytes {
public:
    template <typename T>
    void put(T v) {
        const size_t at = m_bytes.size();
        m_bytes.resize(at + sizeof(T));
        std::memcpy(m_bytes.data() + at, &v, sizeof(T));
    }
    void putString(const std::string& s);
    void putValue(const GgufValue& v);  // the value only, without its type tag
    void padTo(uint64_t alignment);
    void append(const std::vector<uint8_t>& data) { m_bytes.insert(m_bytes.end(), data.begin(), data.end()); }
    std::vector<uint8_t>& bytes() { return m_bytes; }

private:
    std::vector<uint8_t> m_bytes;
};

class GgufWriter {
public:
    void set(std::string key, GgufValue value);
    // `data` must hold exactly the tensor's bytes in `type`.
    void addTensor(std::string name, TensorType type, std::vector<uint64_t> dims, std::vector<uint8_t> data);
    // Copies everything (metadata and tensors) of another file, for tools that rewrite models.
    void copyMetadataFrom(const GgufFile& file, const std::vector<std::string>& keys);

    std::vector<uint8_t> toBytes() const;
    Result<void> writeFile(const std::string& path) const;

private:
    struct Tensor {
        std::string name;
        TensorType type;
        std::vector<uint64_t> dims;
        std::vector<uint8_t> data;
    };
    std::vector<std::pair<std::string, GgufValue>> m_metadata;
    std::vector<Tensor> m_tensors;
};

}  // namespace confidant::inference
