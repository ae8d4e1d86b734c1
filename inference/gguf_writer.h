// Writes GGUF v3 files: metadata in insertion order, tensor data aligned to general.alignment.
// Used by make-test-model and by tests that build valid and deliberately broken files.
#pragma once

#include <cstdint>
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
