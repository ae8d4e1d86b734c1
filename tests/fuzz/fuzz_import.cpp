// Fuzzes the conversation importers (our JSON format and ChatGPT's conversations.json): any input
// is imported or refused with an error, and whatever is imported exports, imports into an empty
// store and exports again to the same bytes (the format's lossless round trip).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "json_format.h"
#include "store.h"

namespace {

using namespace confidant::storage;

// Two stores opened once (creating the schema costs more than most imports) and emptied after
// each input, so every input starts from an empty database as a first import would.
Database* g_first = nullptr;
Database* g_second = nullptr;

Database* openEmptyStore() {
    auto db = openStore(":memory:");
    if (!db) {
        std::fprintf(stderr, "fuzz_import: cannot open a store: %s\n", db.error().message.c_str());
        std::exit(1);
    }
    return new Database(std::move(*db));
}

void empty(Database& db) {
    if (!db.exec("DELETE FROM conversations")) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_first = openEmptyStore();
    g_second = openEmptyStore();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto format = detectImportFormat(text);
    if (!format) return 0;
    auto imported = *format == ImportFormat::ChatGpt ? importChatGpt(*g_first, text) : importJson(*g_first, text);
    if (!imported) {
        // A refused file writes nothing: validation runs before the one transaction.
        auto rows = g_first->queryInt("SELECT (SELECT count(*) FROM conversations) + (SELECT count(*) FROM messages)");
        if (!rows || *rows != 0) std::abort();
    } else {
        auto exported = exportJson(*g_first, {});
        if (!exported || !importJson(*g_second, *exported)) std::abort();
        auto again = exportJson(*g_second, {});
        if (!again || *again != *exported) std::abort();
    }
    empty(*g_first);
    empty(*g_second);
    return 0;
}
