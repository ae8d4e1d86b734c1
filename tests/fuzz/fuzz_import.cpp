// Fuzzes the conversation importers (our JSON format and ChatGPT's conversations.json): any input
// is imported or refused with an error; whatever is imported exports and imports again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "json_format.h"
#include "store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace confidant::storage;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto db = openStore(":memory:");
    if (!db) std::abort();
    auto format = detectImportFormat(text);
    if (!format) return 0;
    auto imported = *format == ImportFormat::ChatGpt ? importChatGpt(*db, text) : importJson(*db, text);
    if (!imported) return 0;
    auto exported = exportJson(*db, {});
    if (!exported) std::abort();
    auto again = openStore(":memory:");
    if (!again || !importJson(*again, *exported)) std::abort();
    return 0;
}
