// Reads GGUF files (versions 2 and 3): validates the whole header before anything trusts it, then
// serves typed metadata and tensor views into the memory-mapped file.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"
#include "tensor_type.h"

namespace confidant::inference {

enum class GgufType : uint32_t {
    UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7,
    String = 8, Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12,
};
std::string_view ggufTypeName(GgufType type);

// One metadata value. Scalars live in the number fields; arrays hold their elements (of one type,
// possibly arrays themselves). Arrays of numbers or bools read from a file stay packed as the
// file encodes them (a GgufValue per byte of a uint8 array would cost 90 times the file's size);
// arrays of strings or arrays, and arrays built in code, hold GgufValue items.
struct GgufValue {
    GgufType type = GgufType::UInt8;
    GgufType elementType = GgufType::UInt8;  // arrays only
    uint64_t uintValue = 0;   // UInt*, Bool
    int64_t intValue = 0;     // Int*
    double floatValue = 0;    // Float*
    std::string stringValue;  // String
    std::vector<GgufValue> items;  // Array, unless packed
    std::vector<uint8_t> packed;   // Array of numbers or bools read from a file: little-endian elements

    bool isInteger() const;
    bool isFloat() const { return type == GgufType::Float32 || type == GgufType::Float64; }
    std::string describeType() const;  // e.g. "array of string"
    uint64_t arraySize() const;        // elements of an array, packed or not
    GgufValue element(uint64_t index) const;  // one element of an array (index < arraySize())
};

struct GgufTensorInfo {
    std::string name;
    TensorType type;
    std::vector<uint64_t> dims;  // ggml order: dims[0] is the contiguous (row) length
    uint64_t offset = 0;         // relative to the start of the data section
    uint64_t elementCount = 0;
    uint64_t byteSize = 0;
    const uint8_t* data = nullptr;  // into the mapping; valid while the GgufFile lives

    uint64_t rows() const { return elementCount / dims[0]; }
};

class MappedFile;

class GgufFile {
public:
    // Maps and validates a file. Every malformed input gives an Error naming the field at fault.
    static Result<std::shared_ptr<const GgufFile>> open(const std::string& path);
    // Validates an in-memory image (the bytes must outlive the returned object).
    static Result<std::shared_ptr<const GgufFile>> fromMemory(const uint8_t* data, size_t size,
                                                              std::string displayName = "<memory>");
    ~GgufFile();

    uint32_t version() const { return m_version; }
    uint64_t fileSize() const { return m_size; }
    uint64_t alignment() const { return m_alignment; }
    uint64_t dataOffset() const { return m_dataOffset; }
    const std::string& path() const { return m_path; }

    const std::map<std::string, GgufValue, std::less<>>& metadata() const { return m_metadata; }
    const GgufValue* find(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }

    // Typed access: an Error says whether the key is missing or has another type.
    Result<uint64_t> getUInt(std::string_view key) const;
    Result<int64_t> getInt(std::string_view key) const;
    Result<double> getFloat(std::string_view key) const;
    Result<bool> getBool(std::string_view key) const;
    Result<std::string> getString(std::string_view key) const;
    Result<std::vector<std::string>> getStringArray(std::string_view key) const;
    Result<std::vector<double>> getFloatArray(std::string_view key) const;
    Result<std::vector<int64_t>> getIntArray(std::string_view key) const;

    // Optional keys: nullopt when absent, Error when present with a wrong type.
    template <typename T>
    Result<std::optional<T>> getOptional(std::string_view key, Result<T> (GgufFile::*getter)(std::string_view) const) const {
        if (!has(key)) return std::optional<T>{};
        auto r = (this->*getter)(key);
        if (!r) return r.error();
        return std::optional<T>(std::move(*r));
    }

    const std::vector<GgufTensorInfo>& tensors() const { return m_tensors; }
    const GgufTensorInfo* findTensor(std::string_view name) const;

private:
    GgufFile() = default;
    static Result<std::shared_ptr<const GgufFile>> parse(std::unique_ptr<GgufFile> file);

    std::unique_ptr<MappedFile> m_mapping;
    const uint8_t* m_bytes = nullptr;
    uint64_t m_size = 0;
    std::string m_path;
    uint32_t m_version = 0;
    uint64_t m_alignment = 32;
    uint64_t m_dataOffset = 0;
    std::map<std::string, GgufValue, std::less<>> m_metadata;
    std::vector<GgufTensorInfo> m_tensors;
    std::map<std::string, size_t, std::less<>> m_tensorIndex;
};

}  // namespace confidant::inference
