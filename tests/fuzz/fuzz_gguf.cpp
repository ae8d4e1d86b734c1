// Fuzzes the GGUF reader, and everything after it on whatever it accepts: the model config and
// weights, the memory plan of a context (through the same checkMemoryFor the app uses) and one
// forward step on the reference backend. Any input must give a model and logits or an error,
// never a crash, leak, out-of-bounds access or an allocation beyond what the file can justify.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "backend.h"
#include "fuzz_support.h"
#include "memory_check.h"
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
    if (!model) return 0;

    // Every weight lies in the (at most 64 KiB) file, so one step on one token is cheap; the KV
    // cache of a 4-token context is planned against a fixed 256 MiB, as the backend plans it
    // against the system's available memory.
    const ModelConfig& c = (*model)->config();
    const uint64_t kvBytes = uint64_t(4) * c.kvDim() * c.blockCount * 2 * sizeof(float);
    if (!checkMemoryFor(kvBytes, "the fuzz context", uint64_t(256) << 20)) return 0;
    auto backend = createReferenceBackend(*model, 1);
    auto context = backend->createContext(4);
    if (!context) return 0;
    const Graph graph = (*model)->buildGraph(1);
    const TokenId token = 0;
    std::vector<float> logits(c.vocabSize);
    (void)(*context)->evaluate(graph, StepInput{std::span(&token, 1), 0}, logits);
    return 0;
}
