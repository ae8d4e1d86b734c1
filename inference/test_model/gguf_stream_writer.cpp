// GGUF v3 serialization for streamed tensor data (see gguf_stream_writer.h).
#include "test_model/gguf_stream_writer.h"

#include <cerrno>
#include <cstring>

namespace confidant::inference {
namespace {

class HeaderBytes {
public:
    template <typename T>
    void put(T v) {
        const size_t at = m_bytes.size();
        m_bytes.resize(at + sizeof(T));
        std::memcpy(m_bytes.data() + at, &v, sizeof(T));
    }
    void putString(const std::string& s) {
        put<uint64_t>(s.size());
        m_bytes.insert(m_bytes.end(), s.begin(), s.end());
    }
    void putValue(const GgufValue& v) {
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
                put<uint64_t>(v.items.size());
                for (const auto& item : v.items) putValue(item);
                break;
        }
    }
    void padTo(uint64_t alignment) {
        while (m_bytes.size() % alignment) m_bytes.push_back(0);
    }
    const std::vector<uint8_t>& bytes() const { return m_bytes; }

private:
    std::vector<uint8_t> m_bytes;
};

uint64_t alignUp(uint64_t n, uint64_t alignment) { return (n + alignment - 1) / alignment * alignment; }

}  // namespace

uint64_t StreamedTensorInfo::byteSize() const {
    uint64_t elements = 1;
    for (uint64_t d : dims) elements *= d;
    return rowBytes(type, size_t(elements));
}

GgufStreamWriter::~GgufStreamWriter() {
    if (m_file) {
        std::fclose(m_file);
        std::remove(m_path.c_str());
    }
}

Result<void> GgufStreamWriter::writeRaw(const void* data, size_t size) {
    if (size && std::fwrite(data, 1, size, m_file) != size)
        return makeError("cannot write '" + m_path + "': " + std::strerror(errno) + " (disk full?)");
    return {};
}

Result<void> GgufStreamWriter::open(const std::string& path,
                                    const std::vector<std::pair<std::string, GgufValue>>& metadata,
                                    std::vector<StreamedTensorInfo> tensors, uint64_t alignment) {
    m_path = path;
    m_tensors = std::move(tensors);
    m_alignment = alignment;
    m_file = std::fopen(path.c_str(), "wb");
    if (!m_file) return makeError("cannot create '" + path + "': " + std::strerror(errno));

    HeaderBytes header;
    header.put<uint32_t>(0x46554747);  // "GGUF"
    header.put<uint32_t>(3);
    header.put<uint64_t>(m_tensors.size());
    header.put<uint64_t>(metadata.size());
    for (const auto& [key, value] : metadata) {
        header.putString(key);
        header.put<uint32_t>(uint32_t(value.type));
        header.putValue(value);
    }
    uint64_t offset = 0;
    for (const auto& t : m_tensors) {
        header.putString(t.name);
        header.put<uint32_t>(uint32_t(t.dims.size()));
        for (uint64_t d : t.dims) header.put<uint64_t>(d);
        header.put<uint32_t>(uint32_t(t.type));
        header.put<uint64_t>(offset);
        offset += alignUp(t.byteSize(), m_alignment);
    }
    header.padTo(m_alignment);
    return writeRaw(header.bytes().data(), header.bytes().size());
}

Result<void> GgufStreamWriter::append(const uint8_t* data, size_t size) {
    while (size > 0) {
        if (m_current >= m_tensors.size()) return makeError("more tensor data than the declared tensors hold");
        const uint64_t expected = m_tensors[m_current].byteSize();
        const size_t take = size_t(std::min<uint64_t>(size, expected - m_writtenOfCurrent));
        if (auto w = writeRaw(data, take); !w) return w;
        data += take;
        size -= take;
        m_writtenOfCurrent += take;
        if (m_writtenOfCurrent == expected) {
            static const uint8_t zeros[64] = {};
            const uint64_t padding = alignUp(expected, m_alignment) - expected;
            for (uint64_t left = padding; left > 0;) {
                const size_t n = size_t(std::min<uint64_t>(left, sizeof zeros));
                if (auto w = writeRaw(zeros, n); !w) return w;
                left -= n;
            }
            ++m_current;
            m_writtenOfCurrent = 0;
        }
    }
    return {};
}

Result<void> GgufStreamWriter::finish() {
    // Zero-byte tensors complete without any append.
    while (m_current < m_tensors.size() && m_tensors[m_current].byteSize() == 0) ++m_current;
    if (m_current != m_tensors.size())
        return makeError("tensor '" + m_tensors[m_current].name + "' was not written completely");
    const bool closed = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (!closed) {
        std::remove(m_path.c_str());
        return makeError("cannot finish writing '" + m_path + "' (disk full?)");
    }
    return {};
}

}  // namespace confidant::inference
