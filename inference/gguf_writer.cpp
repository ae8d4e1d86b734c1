// GGUF serialization (little-endian, version 3).
#include "gguf_writer.h"

#include <cstdio>
#include <cstring>

namespace confidant::inference {

GgufValue ggufUInt32(uint32_t v) { GgufValue g; g.type = GgufType::UInt32; g.uintValue = v; return g; }
GgufValue ggufInt32(int32_t v) { GgufValue g; g.type = GgufType::Int32; g.intValue = v; return g; }
GgufValue ggufUInt64(uint64_t v) { GgufValue g; g.type = GgufType::UInt64; g.uintValue = v; return g; }
GgufValue ggufFloat32(float v) { GgufValue g; g.type = GgufType::Float32; g.floatValue = v; return g; }
GgufValue ggufBool(bool v) { GgufValue g; g.type = GgufType::Bool; g.uintValue = v; return g; }
GgufValue ggufString(std::string v) { GgufValue g; g.type = GgufType::String; g.stringValue = std::move(v); return g; }
GgufValue ggufArray(GgufType elementType, std::vector<GgufValue> items) {
    GgufValue g;
    g.type = GgufType::Array;
    g.elementType = elementType;
    g.items = std::move(items);
    return g;
}
GgufValue ggufStringArray(const std::vector<std::string>& items) {
    std::vector<GgufValue> values;
    values.reserve(items.size());
    for (const auto& s : items) values.push_back(ggufString(s));
    return ggufArray(GgufType::String, std::move(values));
}

void GgufWriter::set(std::string key, GgufValue value) {
    for (auto& [k, v] : m_metadata)
        if (k == key) {
            v = std::move(value);
            return;
        }
    m_metadata.emplace_back(std::move(key), std::move(value));
}

void GgufWriter::addTensor(std::string name, TensorType type, std::vector<uint64_t> dims, std::vector<uint8_t> data) {
    m_tensors.push_back({std::move(name), type, std::move(dims), std::move(data)});
}

void GgufWriter::copyMetadataFrom(const GgufFile& file, const std::vector<std::string>& keys) {
    for (const auto& key : keys)
        if (const GgufValue* v = file.find(key)) set(key, *v);
}

void GgufBytes::putString(const std::string& s) {
    put<uint64_t>(s.size());
    m_bytes.insert(m_bytes.end(), s.begin(), s.end());
}

void GgufBytes::padTo(uint64_t alignment) {
    while (m_bytes.size() % alignment) m_bytes.push_back(0);
}

void GgufBytes::putValue(const GgufValue& v) {
    switch (v.type) {
        case GgufType::UInt8: put<uint8_t>(uint8_t(v.uintValue)); break;
        case GgufType::Int8: put<int8_t>(int8_t(v.intValue)); break;
        case GgufType::UInt16: put<uint16_t>(uint16_t(v.uintValue)); break;
        case GgufType::Int16: put<int16_t>(int16_t(v.intValue)); break;
        case GgufType::UInt32: put<uint32_t>(uint32_t(v.uintValue)); break;
        case GgufType::Int32: put<int32_t>(int32_t(v.intValue)); break;
        case GgufType::UInt64: put<uint64_t>(v.uintValue); break;
        case GgufType::Int64: put<int64_t>(v.intValue); break;
        case GgufType::Float32: put<float>(float(v.floatValue)); break;
        case GgufType::Float64: put<double>(v.floatValue); break;
        case GgufType::Bool: put<uint8_t>(v.uintValue ? 1 : 0); break;
        case GgufType::String: putString(v.stringValue); break;
        case GgufType::Array:
            put<uint32_t>(uint32_t(v.elementType));
            put<uint64_t>(v.arraySize());
            m_bytes.insert(m_bytes.end(), v.packed.begin(), v.packed.end());  // as read from a file
            for (const auto& item : v.items) putValue(item);
            break;
    }
}

std::vector<uint8_t> GgufWriter::toBytes() const {
    uint64_t alignment = 32;
    for (const auto& [k, v] : m_metadata)
        if (k == "general.alignment" && v.type == GgufType::UInt32 && v.uintValue > 0) alignment = v.uintValue;

    GgufBytes out;
    out.put<uint32_t>(0x46554747);  // "GGUF"
    out.put<uint32_t>(3);
    out.put<uint64_t>(m_tensors.size());
    out.put<uint64_t>(m_metadata.size());
    for (const auto& [key, value] : m_metadata) {
        out.putString(key);
        out.put<uint32_t>(uint32_t(value.type));
        out.putValue(value);
    }
    uint64_t offset = 0;
    for (const auto& t : m_tensors) {
        out.putString(t.name);
        out.put<uint32_t>(uint32_t(t.dims.size()));
        for (uint64_t d : t.dims) out.put<uint64_t>(d);
        out.put<uint32_t>(uint32_t(t.type));
        out.put<uint64_t>(offset);
        offset += (t.data.size() + alignment - 1) / alignment * alignment;
    }
    out.padTo(alignment);
    for (const auto& t : m_tensors) {
        out.append(t.data);
        out.padTo(alignment);
    }
    return std::move(out.bytes());
}

Result<void> GgufWriter::writeFile(const std::string& path) const {
    const std::vector<uint8_t> bytes = toBytes();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return makeError("cannot create '" + path + "': " + std::strerror(errno));
    const size_t written = std::fwrite(bytes.data(), 1, bytes.size(), f);
    const bool closed = std::fclose(f) == 0;
    if (written != bytes.size() || !closed) {
        std::remove(path.c_str());
        return makeError("cannot write '" + path + "' (disk full?)");
    }
    return {};
}

}  // namespace confidant::inference
