// Fuzzes opening damaged store files (issue #18, 6): a small valid store is built once; each input
// is a list of patches (offset, bytes) applied to a copy of its file, which is then opened and
// listed, loaded, searched, exported and checked. Any outcome but a crash, a leak, a hang or an
// unbounded allocation is fine: a damaged store must be refused or read as far as it can be.
//
// Input: repeated records of [offset: 2 bytes, little-endian, scaled to the file] [length: 1 byte]
// [length bytes]; a truncated record ends the list. Bounded: at most 64 patches, 20 conversations.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "conversations.h"
#include "export.h"
#include "json_format.h"
#include "message_tree.h"
#include "search.h"
#include "store.h"

namespace {

using namespace confidant::storage;

std::string g_image;  // the valid store's bytes
std::filesystem::path g_path;

void die(const std::string& what) {
    std::fprintf(stderr, "fuzz_store: %s\n", what.c_str());
    std::exit(1);
}

std::string readAll(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void buildImage() {
    const auto folder = std::filesystem::temp_directory_path() / ("confidant-fuzz-store-" + std::to_string(::getpid()));
    std::filesystem::create_directories(folder);
    g_path = folder / "store.db";
    const auto source = folder / "source.db";
    {
        auto db = openStore(source);
        if (!db) die(db.error().message);
        for (int i = 0; i < 6; ++i) {
            auto c = createConversation(*db, {.title = "Conversation " + std::to_string(i), .systemPrompt = "Be brief."});
            if (!c) die(c.error().message);
            NewMessage q{.conversationId = c->id, .role = Role::User, .content = "How do I bake bread number " + std::to_string(i)};
            auto question = appendMessage(*db, q);
            if (!question) die(question.error().message);
            for (int v = 0; v < 2; ++v) {
                NewMessage a{.conversationId = c->id, .parentId = question->id, .role = Role::Assistant,
                             .content = "## Steps\n\n1. **Mix** flour and water\n2. Wait " + std::to_string(v) +
                                        " hours\n\n```sh\necho bread\n```\n"};
                if (!appendMessage(*db, a)) die("append");
            }
        }
    }  // closed: checkpointed into one file
    g_image = readAll(source);
    std::filesystem::remove(source);
}

void exercise() {
    auto db = openStore(g_path, {.createIfMissing = false, .recoverInterruptedReplies = true});
    if (!db) {
        // Refused (damaged, foreign, too new): also exercise what a diagnostic does with it.
        auto raw = openStore(g_path, {.createIfMissing = false, .recoverInterruptedReplies = false, .quickCheck = false});
        if (raw) (void)checkStore(*raw, CheckDepth::Full);
        return;
    }
    (void)checkStore(*db, CheckDepth::Quick);
    auto list = listConversations(*db, {.limit = 20});
    if (list) {
        for (const auto& summary : *list) {
            auto data = loadConversation(*db, summary.conversation.id);
            if (!data) continue;
            (void)exportMarkdown(*data);
            (void)exportHtml(*data);
            (void)exportText(*data);
            (void)loadSelectedBranch(*db, summary.conversation.id);
        }
    }
    (void)search(*db, "bread", {});
    (void)exportJson(*db, {});
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    buildImage();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string image = g_image;
    size_t at = 0;
    for (int patch = 0; patch < 64 && at + 3 <= size; ++patch) {
        const size_t scaled = (size_t(data[at]) | size_t(data[at + 1]) << 8) * image.size() / 65536;
        const size_t length = data[at + 2];
        at += 3;
        if (at + length > size) break;
        for (size_t i = 0; i < length && scaled + i < image.size(); ++i) image[scaled + i] = char(data[at + i]);
        at += length;
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(g_path.string() + suffix);
    {
        std::ofstream out(g_path, std::ios::binary);
        out.write(image.data(), std::streamsize(image.size()));
    }
    exercise();
    return 0;
}
