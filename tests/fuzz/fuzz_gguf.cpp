// Fuzzes the GGUF reader, and model loading on whatever it accepts: any input must give either a
// valid file or an error, never a crash, leak or out-of-bounds read.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.h"
#include "model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace confidant::inference;
    // An exact-size heap copy, so that reads past the end are caught.
    const std::vector<uint8_t> bytes(data, data + size);
    auto file = GgufFile::fromMemory(bytes.data(), bytes.size());
    if (!file) return 0;
    for (const auto& t : (*file)->tensors()) {
        if (t.byteSize > 0) (void)t.data[t.byteSize - 1];  // every tensor lies inside the file
    }
    auto model = Model::fromGguf(*file);
    (void)model;
    return 0;
}
