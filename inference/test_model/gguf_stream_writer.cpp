// GGUF v3 serialization for streamed tensor data (see gguf_stream_writer.h).
#include "test_model/gguf_stream_writer.h"

#include "gguf_writer.h"

#include <cerrno>
#include <cstring>

namespace confidant::inference {
namespace {

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

    GgufBytes header;
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
