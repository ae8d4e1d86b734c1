// GGUF parsing and validation. The parser never reads past the end of the file: every length,
// count and offset is checked against the bytes that remain before it is used.
#include "gguf_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "checked_math.h"

namespace confidant::inference {

// Owns one read-only memory mapping of a whole file.
class MappedFile {
public:
    static Result<std::unique_ptr<MappedFile>> open(const std::string& path) {
        // A FIFO or a device would block open() or read forever: refuse anything but a regular
        // file before opening it, and open without blocking in case it was swapped meanwhile.
        struct stat before {};
        if (::stat(path.c_str(), &before) == 0 && !S_ISREG(before.st_mode))
            return makeError("'" + path + "' is not a regular file; choose a .gguf model file");
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) return makeError("cannot open '" + path + "': " + std::strerror(errno));
        struct stat st {};
        if (::fstat(fd, &st) != 0) {
            const int err = errno;
            ::close(fd);
            return makeError("cannot read '" + path + "': " + std::strerror(err));
        }
        if (!S_ISREG(st.st_mode)) {
            ::close(fd);
            return makeError("'" + path + "' is not a regular file; choose a .gguf model file");
        }
        auto mapped = std::unique_ptr<MappedFile>(new MappedFile);
        mapped->m_size = size_t(st.st_size);
        if (mapped->m_size > 0) {
            void* p = ::mmap(nullptr, mapped->m_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED) {
                const int err = errno;
                ::close(fd);
                return makeError("cannot map '" + path + "' into memory: " + std::strerror(err));
            }
            mapped->m_data = static_cast<const uint8_t*>(p);
        }
        ::close(fd);
        return mapped;
    }
    ~MappedFile() {
        if (m_data) ::munmap(const_cast<uint8_t*>(m_data), m_size);
    }
    const uint8_t* data() const { return m_data; }
    size_t size() const { return m_size; }

private:
    MappedFile() = default;
    const uint8_t* m_data = nullptr;
    size_t m_size = 0;
};

namespace {

constexpr uint32_t k_magic = 0x46554747;  // "GGUF" read as little-endian uint32
constexpr int k_maxArrayDepth = 8;
constexpr uint32_t k_maxDims = 4;

// Parsed metadata may hold at most this much memory (values, strings, packed arrays). The largest
// real tokenizers (about 260k tokens and 500k merges) need under 100 MiB; see docs/limits.md.
constexpr uint64_t k_maxMetadataBytes = uint64_t(512) << 20;

struct ParseError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Sequential little-endian reader over the file with bounds checks; `what` names the field being
// read so that errors say where the file is wrong.
// `what` is either a string or a callable that makes one, so that describing an array element
// costs nothing unless it is at fault.
template <typename What>
std::string describe(const What& what) {
    if constexpr (std::is_invocable_v<What>) return what();
    else return std::string(what);
}

// What the parsed metadata costs in memory so far; a header that would need more than
// k_maxMetadataBytes is refused while it is read, before the memory is taken.
class MetadataBudget {
public:
    void charge(uint64_t bytes) {
        if (bytes > k_maxMetadataBytes - m_used)
            throw ParseError("the metadata needs more than " + std::to_string(k_maxMetadataBytes >> 20) +
                             " MiB of memory (the limit for a model header); the file is not a usable model");
        m_used += bytes;
    }

private:
    uint64_t m_used = 0;
};

// A string's heap allocation beyond the GgufValue (or key) that holds it.
uint64_t stringCost(uint64_t length) { return length > 15 ? length + 1 : 0; }

class Cursor {
public:
    Cursor(const uint8_t* data, uint64_t size) : m_data(data), m_size(size) {}

    uint64_t position() const { return m_pos; }
    uint64_t remaining() const { return m_size - m_pos; }

    template <typename What>
    void require(uint64_t bytes, const What& what) const {
        if (bytes > remaining())
            throw ParseError("file is truncated: " + describe(what) + " needs " + std::to_string(bytes) +
                             " byte(s) at offset " + std::to_string(m_pos) + " but only " +
                             std::to_string(remaining()) + " remain");
    }

    template <typename T, typename What>
    T read(const What& what) {
        require(sizeof(T), what);
        T value;
        std::memcpy(&value, m_data + m_pos, sizeof(T));
        m_pos += sizeof(T);
        return value;
    }

    template <typename What>
    std::string readString(const What& what, MetadataBudget& budget) {
        const auto length = read<uint64_t>([&] { return "length of " + describe(what); });
        if (length > remaining())
            throw ParseError("bad length of " + describe(what) + ": " + std::to_string(length) +
                             " bytes declared at offset " + std::to_string(m_pos - 8) + " but only " +
                             std::to_string(remaining()) + " remain in the file");
        budget.charge(stringCost(length));
        std::string s(reinterpret_cast<const char*>(m_data + m_pos), size_t(length));
        m_pos += length;
        return s;
    }

    // `bytes` raw bytes (already checked with require()).
    std::vector<uint8_t> readBytes(uint64_t bytes) {
        std::vector<uint8_t> out(m_data + m_pos, m_data + m_pos + bytes);
        m_pos += bytes;
        return out;
    }

private:
    const uint8_t* m_data;
    uint64_t m_size;
    uint64_t m_pos = 0;
};

// The smallest number of bytes one value of `type` can occupy, to bound declared array sizes.
uint64_t minimumEncodedSize(GgufType type) {
    switch (type) {
        case GgufType::UInt8: case GgufType::Int8: case GgufType::Bool: return 1;
        case GgufType::UInt16: case GgufType::Int16: return 2;
        case GgufType::UInt32: case GgufType::Int32: case GgufType::Float32: return 4;
        case GgufType::UInt64: case GgufType::Int64: case GgufType::Float64: return 8;
        case GgufType::String: return 8;
        case GgufType::Array: return 12;
    }
    return 1;
}

bool isKnownType(uint32_t t) { return t <= uint32_t(GgufType::Float64); }
bool isPackable(GgufType t) { return t != GgufType::String && t != GgufType::Array; }

// `what` is type-erased here: a template would instantiate itself once per nesting level.
using Describe = std::function<std::string()>;

GgufValue readValue(Cursor& in, GgufType type, const Describe& what, int depth, MetadataBudget& budget) {
    GgufValue v;
    v.type = type;
    switch (type) {
        case GgufType::UInt8: v.uintValue = in.read<uint8_t>(what); break;
        case GgufType::Int8: v.intValue = in.read<int8_t>(what); break;
        case GgufType::UInt16: v.uintValue = in.read<uint16_t>(what); break;
        case GgufType::Int16: v.intValue = in.read<int16_t>(what); break;
        case GgufType::UInt32: v.uintValue = in.read<uint32_t>(what); break;
        case GgufType::Int32: v.intValue = in.read<int32_t>(what); break;
        case GgufType::UInt64: v.uintValue = in.read<uint64_t>(what); break;
        case GgufType::Int64: v.intValue = in.read<int64_t>(what); break;
        case GgufType::Float32: v.floatValue = in.read<float>(what); break;
        case GgufType::Float64: v.floatValue = in.read<double>(what); break;
        case GgufType::Bool: {
            const auto b = in.read<uint8_t>(what);
            if (b > 1) throw ParseError("bad " + describe(what) + ": a bool must be 0 or 1, found " + std::to_string(b));
            v.uintValue = b;
            break;
        }
        case GgufType::String: v.stringValue = in.readString(what, budget); break;
        case GgufType::Array: {
            if (depth >= k_maxArrayDepth)
                throw ParseError("bad " + describe(what) + ": arrays nested deeper than " + std::to_string(k_maxArrayDepth) + " levels");
            const auto elementType = in.read<uint32_t>([&] { return "element type of " + describe(what); });
            if (!isKnownType(elementType))
                throw ParseError("bad element type of " + describe(what) + ": " + std::to_string(elementType) +
                                 " is not a GGUF value type (0-12)");
            v.elementType = GgufType(elementType);
            const auto count = in.read<uint64_t>([&] { return "element count of " + describe(what); });
            const uint64_t minSize = minimumEncodedSize(v.elementType);
            if (count > in.remaining() / minSize)
                throw ParseError("bad element count of " + describe(what) + ": " + std::to_string(count) +
                                 " elements cannot fit in the " + std::to_string(in.remaining()) +
                                 " bytes that remain");
            if (isPackable(v.elementType)) {
                // count * minSize fits: count <= remaining / minSize.
                budget.charge(count * minSize);
                in.require(count * minSize, what);
                v.packed = in.readBytes(count * minSize);
                if (v.elementType == GgufType::Bool)
                    for (uint64_t i = 0; i < count; ++i)
                        if (v.packed[i] > 1)
                            throw ParseError("bad " + describe(what) + "[" + std::to_string(i) +
                                             "]: a bool must be 0 or 1, found " + std::to_string(v.packed[i]));
                break;
            }
            budget.charge(count * sizeof(GgufValue));
            v.items.reserve(size_t(count));
            for (uint64_t i = 0; i < count; ++i)
                v.items.push_back(readValue(
                    in, v.elementType, [&] { return what() + "[" + std::to_string(i) + "]"; }, depth + 1, budget));
            break;
        }
    }
    return v;
}

}  // namespace

std::string_view ggufTypeName(GgufType type) {
    switch (type) {
        case GgufType::UInt8: return "uint8";
        case GgufType::Int8: return "int8";
        case GgufType::UInt16: return "uint16";
        case GgufType::Int16: return "int16";
        case GgufType::UInt32: return "uint32";
        case GgufType::Int32: return "int32";
        case GgufType::Float32: return "float32";
        case GgufType::Bool: return "bool";
        case GgufType::String: return "string";
        case GgufType::Array: return "array";
        case GgufType::UInt64: return "uint64";
        case GgufType::Int64: return "int64";
        case GgufType::Float64: return "float64";
    }
    return "unknown";
}

bool GgufValue::isInteger() const {
    switch (type) {
        case GgufType::UInt8: case GgufType::Int8: case GgufType::UInt16: case GgufType::Int16:
        case GgufType::UInt32: case GgufType::Int32: case GgufType::UInt64: case GgufType::Int64:
            return true;
        default: return false;
    }
}

uint64_t GgufValue::arraySize() const {
    if (type != GgufType::Array) return 0;
    if (!packed.empty()) return packed.size() / minimumEncodedSize(elementType);
    return items.size();
}

GgufValue GgufValue::element(uint64_t index) const {
    if (packed.empty()) return items.at(size_t(index));
    const uint64_t size = minimumEncodedSize(elementType);
    if (index >= packed.size() / size) throw std::out_of_range("GgufValue::element: index past the array");
    GgufValue e;
    e.type = elementType;
    const uint8_t* p = packed.data() + index * size;
    auto load = [p]<typename T>(T) { T x; std::memcpy(&x, p, sizeof(T)); return x; };
    switch (elementType) {
        case GgufType::UInt8: case GgufType::Bool: e.uintValue = load(uint8_t{}); break;
        case GgufType::Int8: e.intValue = load(int8_t{}); break;
        case GgufType::UInt16: e.uintValue = load(uint16_t{}); break;
        case GgufType::Int16: e.intValue = load(int16_t{}); break;
        case GgufType::UInt32: e.uintValue = load(uint32_t{}); break;
        case GgufType::Int32: e.intValue = load(int32_t{}); break;
        case GgufType::UInt64: e.uintValue = load(uint64_t{}); break;
        case GgufType::Int64: e.intValue = load(int64_t{}); break;
        case GgufType::Float32: e.floatValue = load(float{}); break;
        case GgufType::Float64: e.floatValue = load(double{}); break;
        case GgufType::String: case GgufType::Array: break;
    }
    return e;
}

std::string GgufValue::describeType() const {
    if (type != GgufType::Array) return std::string(ggufTypeName(type));
    return "array of " + std::string(ggufTypeName(elementType));
}

GgufFile::~GgufFile() = default;

Result<std::shared_ptr<const GgufFile>> GgufFile::open(const std::string& path) {
    auto mapping = MappedFile::open(path);
    if (!mapping) return mapping.error();
    auto file = std::unique_ptr<GgufFile>(new GgufFile);
    file->m_bytes = (*mapping)->data();
    file->m_size = (*mapping)->size();
    file->m_mapping = std::move(*mapping);
    file->m_path = path;
    auto parsed = parse(std::move(file));
    if (!parsed) return makeError("'" + path + "' is not a valid GGUF model: " + parsed.error().message);
    return parsed;
}

Result<std::shared_ptr<const GgufFile>> GgufFile::fromMemory(const uint8_t* data, size_t size,
                                                             std::string displayName) {
    auto file = std::unique_ptr<GgufFile>(new GgufFile);
    file->m_bytes = data;
    file->m_size = size;
    file->m_path = std::move(displayName);
    return parse(std::move(file));
}

Result<std::shared_ptr<const GgufFile>> GgufFile::parse(std::unique_ptr<GgufFile> file) {
    try {
        if (file->m_size == 0) throw ParseError("the file is empty");
        Cursor in(file->m_bytes, file->m_size);
        const auto magic = in.read<uint32_t>("magic number");
        if (magic != k_magic) throw ParseError("bad magic number: the file does not start with \"GGUF\"");
        file->m_version = in.read<uint32_t>("version");
        if (file->m_version == 1)
            throw ParseError("GGUF version 1 is obsolete and not supported; convert the model again with a current tool");
        if (file->m_version != 2 && file->m_version != 3)
            throw ParseError("unsupported GGUF version " + std::to_string(file->m_version) + " (supported: 2 and 3)");

        const auto tensorCount = in.read<uint64_t>("tensor count");
        const auto metadataCount = in.read<uint64_t>("metadata count");
        // Each metadata entry needs at least a key length and a type; each tensor info 8+4+8+4+8.
        if (metadataCount > in.remaining() / 12)
            throw ParseError("bad metadata count: " + std::to_string(metadataCount) +
                             " entries cannot fit in a file of " + std::to_string(file->m_size) + " bytes");
        if (tensorCount > in.remaining() / 32)
            throw ParseError("bad tensor count: " + std::to_string(tensorCount) +
                             " tensors cannot fit in a file of " + std::to_string(file->m_size) + " bytes");

        MetadataBudget budget;
        for (uint64_t i = 0; i < metadataCount; ++i) {
            const std::string where = "metadata entry " + std::to_string(i);
            budget.charge(sizeof(GgufValue) + 64);  // the value and its map node
            std::string key = in.readString("key of " + where, budget);
            const std::string what = "metadata key '" + key + "'";
            const auto type = in.read<uint32_t>("value type of " + what);
            if (!isKnownType(type))
                throw ParseError("bad value type of " + what + ": " + std::to_string(type) + " is not a GGUF value type (0-12)");
            GgufValue value = readValue(in, GgufType(type), [&] { return "value of " + what; }, 0, budget);
            if (file->m_metadata.contains(key)) throw ParseError("duplicate " + what);
            file->m_metadata.emplace(std::move(key), std::move(value));
        }

        if (const GgufValue* alignment = file->find("general.alignment")) {
            if (alignment->type != GgufType::UInt32)
                throw ParseError("bad general.alignment: expected uint32, found " + alignment->describeType());
            const uint64_t a = alignment->uintValue;
            if (a == 0 || (a & (a - 1)) != 0)
                throw ParseError("bad general.alignment: " + std::to_string(a) + " is not a power of two");
            file->m_alignment = a;
        }

        file->m_tensors.reserve(size_t(tensorCount));
        for (uint64_t i = 0; i < tensorCount; ++i) {
            GgufTensorInfo t;
            budget.charge(sizeof(GgufTensorInfo) + 96);  // the info, its dims and its index node
            t.name = in.readString("name of tensor " + std::to_string(i), budget);
            const std::string what = "tensor '" + t.name + "'";
            const auto nDims = in.read<uint32_t>("dimension count of " + what);
            if (nDims == 0 || nDims > k_maxDims)
                throw ParseError("bad dimension count of " + what + ": " + std::to_string(nDims) + " (expected 1 to 4)");
            uint64_t elements = 1;
            for (uint32_t d = 0; d < nDims; ++d) {
                const auto dim = in.read<uint64_t>("dimension " + std::to_string(d) + " of " + what);
                if (dim == 0) throw ParseError("bad dimension " + std::to_string(d) + " of " + what + ": 0");
                if (dim > uint64_t(std::numeric_limits<int64_t>::max()) / elements)
                    throw ParseError("bad dimensions of " + what + ": their product overflows 64 bits");
                elements *= dim;
                t.dims.push_back(dim);
            }
            const auto typeId = in.read<uint32_t>("type of " + what);
            const auto traits = tensorTypeTraits(typeId);
            if (!traits) throw ParseError("bad type of " + what + ": " + std::to_string(typeId) + " is not a known GGML tensor type");
            t.type = traits->type;
            if (t.dims[0] % traits->blockSize != 0)
                throw ParseError("bad shape of " + what + ": its row length " + std::to_string(t.dims[0]) +
                                 " is not a multiple of the " + std::string(traits->name) + " block size " +
                                 std::to_string(traits->blockSize));
            t.elementCount = elements;
            const auto byteSize = checkedProduct({elements / traits->blockSize, traits->blockBytes});
            if (!byteSize)
                throw ParseError("bad dimensions of " + what + ": its size in bytes overflows 64 bits");
            t.byteSize = *byteSize;
            t.offset = in.read<uint64_t>("data offset of " + what);
            if (t.offset % file->m_alignment != 0)
                throw ParseError("bad data offset of " + what + ": " + std::to_string(t.offset) +
                                 " is not a multiple of the alignment " + std::to_string(file->m_alignment));
            if (file->m_tensorIndex.contains(t.name)) throw ParseError("duplicate " + what);
            file->m_tensorIndex.emplace(t.name, file->m_tensors.size());
            file->m_tensors.push_back(std::move(t));
        }

        const uint64_t headerEnd = in.position();
        file->m_dataOffset = (headerEnd + file->m_alignment - 1) / file->m_alignment * file->m_alignment;
        for (auto& t : file->m_tensors) {
            const std::string what = "tensor '" + t.name + "'";
            if (file->m_dataOffset > file->m_size || t.offset > file->m_size - file->m_dataOffset ||
                t.byteSize > file->m_size - file->m_dataOffset - t.offset)
                throw ParseError("file is truncated: the data of " + what + " (" + std::to_string(t.byteSize) +
                                 " bytes at data offset " + std::to_string(t.offset) + ") lies past the end of the " +
                                 std::to_string(file->m_size) + "-byte file");
            t.data = file->m_bytes + file->m_dataOffset + t.offset;
        }
        // Tensors must not share bytes: a crafted file could otherwise make one tensor's data
        // another's, which no converter writes and no computation expects.
        std::vector<const GgufTensorInfo*> byOffset;
        byOffset.reserve(file->m_tensors.size());
        for (const auto& t : file->m_tensors) byOffset.push_back(&t);
        std::stable_sort(byOffset.begin(), byOffset.end(),
                  [](const GgufTensorInfo* a, const GgufTensorInfo* b) { return a->offset < b->offset; });
        for (size_t i = 1; i < byOffset.size(); ++i) {
            const GgufTensorInfo& previous = *byOffset[i - 1];
            if (byOffset[i]->offset < previous.offset + previous.byteSize)
                throw ParseError("the data of tensor '" + byOffset[i]->name + "' (at data offset " +
                                 std::to_string(byOffset[i]->offset) + ") overlaps that of tensor '" + previous.name +
                                 "' (" + std::to_string(previous.byteSize) + " bytes at " +
                                 std::to_string(previous.offset) + ")");
        }
    } catch (const ParseError& e) {
        return makeError(e.what());
    } catch (const std::bad_alloc&) {
        return makeError("the file declares more metadata than fits in memory");
    }
    return std::shared_ptr<const GgufFile>(std::move(file));
}

const GgufValue* GgufFile::find(std::string_view key) const {
    const auto it = m_metadata.find(key);
    return it == m_metadata.end() ? nullptr : &it->second;
}

const GgufTensorInfo* GgufFile::findTensor(std::string_view name) const {
    const auto it = m_tensorIndex.find(name);
    return it == m_tensorIndex.end() ? nullptr : &m_tensors[it->second];
}

namespace {

Error missingKey(std::string_view key) {
    return makeError("metadata key '" + std::string(key) + "' is missing");
}
Error wrongType(std::string_view key, const GgufValue& v, std::string_view expected) {
    return makeError("metadata key '" + std::string(key) + "' has type " + v.describeType() + ", expected " +
                     std::string(expected));
}

std::optional<int64_t> asInt(const GgufValue& v) {
    switch (v.type) {
        case GgufType::Int8: case GgufType::Int16: case GgufType::Int32: case GgufType::Int64:
            return v.intValue;
        case GgufType::UInt8: case GgufType::UInt16: case GgufType::UInt32: case GgufType::UInt64:
            if (v.uintValue > uint64_t(std::numeric_limits<int64_t>::max())) return std::nullopt;
            return int64_t(v.uintValue);
        default: return std::nullopt;
    }
}

}  // namespace

Result<uint64_t> GgufFile::getUInt(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return missingKey(key);
    if (v->type == GgufType::UInt8 || v->type == GgufType::UInt16 || v->type == GgufType::UInt32 ||
        v->type == GgufType::UInt64)
        return v->uintValue;
    if (v->isInteger()) {
        if (v->intValue < 0)
            return makeError("metadata key '" + std::string(key) + "' is negative (" + std::to_string(v->intValue) +
                             "), expected a non-negative integer");
        return uint64_t(v->intValue);
    }
    return wrongType(key, *v, "an integer");
}

Result<int64_t> GgufFile::getInt(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return missingKey(key);
    if (!v->isInteger()) return wrongType(key, *v, "an integer");
    const auto i = asInt(*v);
    if (!i) return makeError("metadata key '" + std::string(key) + "' is too large for a signed 64-bit integer");
    return *i;
}

Result<double> GgufFile::getFloat(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return missingKey(key);
    if (v->isFloat()) return v->floatValue;
    if (const auto i = asInt(*v)) return double(*i);
    return wrongType(key, *v, "a number");
}

Result<bool> GgufFile::getBool(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return missingKey(key);
    if (v->type != GgufType::Bool) return wrongType(key, *v, "bool");
    return v->uintValue != 0;
}

Result<std::string> GgufFile::getString(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return missingKey(key);
    if (v->type != GgufType::String) return wrongType(key, *v, "string");
    return v->stringValue;
}

Result<std::vector<std::string>> GgufFile::getStringArray(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return missingKey(key);
    if (v->type != GgufType::Array || v->elementType != GgufType::String) return wrongType(key, *v, "array of string");
    std::vector<std::string> out;
    out.reserve(v->items.size());
    for (const auto& item : v->items) out.push_back(item.stringValue);  // strings are never packed
    return out;
}

Result<std::vector<double>> GgufFile::getFloatArray(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return missingKey(key);
    if (v->type != GgufType::Array) return wrongType(key, *v, "array of numbers");
    std::vector<double> out;
    out.reserve(size_t(v->arraySize()));
    for (uint64_t index = 0; index < v->arraySize(); ++index) {
        const GgufValue item = v->element(index);
        if (item.isFloat()) out.push_back(item.floatValue);
        else if (const auto i = asInt(item)) out.push_back(double(*i));
        else return wrongType(key, *v, "array of numbers");
    }
    return out;
}

Result<std::vector<int64_t>> GgufFile::getIntArray(std::string_view key) const {
    const GgufValue* v = find(key);
    if (!v) return missingKey(key);
    if (v->type != GgufType::Array) return wrongType(key, *v, "array of integers");
    std::vector<int64_t> out;
    out.reserve(size_t(v->arraySize()));
    for (uint64_t index = 0; index < v->arraySize(); ++index) {
        const auto i = asInt(v->element(index));
        if (!i) return wrongType(key, *v, "array of integers");
        out.push_back(*i);
    }
    return out;
}

}  // namespace confidant::inference
