// Writes the seed corpus of fuzz_import: the conversations of the shared chat-template test data
// (chat-templates/expected.json) as Confidant JSON exports (with a branch and reply statistics)
// and as ChatGPT conversations.json files (a mapping tree with a regenerated sibling), so the
// fuzzer starts from documents both importers accept instead of from unrelated bytes.
// Usage: make_import_seeds TESTDATA_DIR OUTPUT_DIR
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "conversations.h"
#include "json_format.h"
#include "message_tree.h"
#include "store.h"

namespace {

using nlohmann::json;
namespace storage = confidant::storage;

bool writeFile(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    return bool(out);
}

// One conversation in our store: the messages as a chain, then a regenerated last reply (or an
// edited last user message) so the export has two branches and reply statistics.
bool addConversation(storage::Database& db, const std::string& title, const json& messages) {
    storage::NewConversation draft{.title = title, .modelRef = "stories260K.gguf"};
    draft.settings.sampler.temperature = 0.7;
    draft.settings.contextSize = 512;
    auto conversation = storage::createConversation(db, draft);
    if (!conversation) return false;
    std::string parent;
    std::string last;
    for (const auto& message : messages) {
        auto role = storage::roleFromName(message.at("role").get<std::string>());
        if (!role) continue;
        storage::NewMessage next{.conversationId = conversation->id, .parentId = parent, .role = *role,
                                 .content = message.at("content").get<std::string>()};
        if (*role == storage::Role::Assistant) {
            next.finishReason = storage::FinishReason::Stop;
            next.reply = {.modelFile = "stories260K.gguf", .backend = "cpu", .promptTokens = 12,
                          .generatedTokens = 7, .timeToFirstTokenMs = 35.5, .tokensPerSecond = 81.25};
            next.reply.sampler.seed = 42;
        }
        auto added = storage::appendMessage(db, next);
        if (!added) return false;
        parent = last = added->id;
    }
    if (last.empty()) return true;
    auto sibling = storage::editMessage(db, last, "A second branch: ünïcödé, `code`, and \"quotes\".");
    return bool(sibling);
}

// ChatGPT's shape: a root node without a message, one node per message, the last message with a
// regenerated sibling; times in seconds.
json chatGptConversation(const std::string& id, const std::string& title, const json& messages) {
    json mapping = json::object();
    const std::string root = id + "-root";
    mapping[root] = {{"id", root}, {"message", nullptr}, {"parent", nullptr}, {"children", json::array()}};
    std::string parent = root;
    double time = 1717000000.0;
    int index = 0;
    auto addNode = [&](const std::string& role, const std::string& content, const std::string& under) {
        const std::string nodeId = id + "-" + std::to_string(index++);
        json message = {{"id", nodeId},
                        {"author", {{"role", role}, {"name", nullptr}, {"metadata", json::object()}}},
                        {"create_time", time += 1.5},
                        {"content", {{"content_type", "text"}, {"parts", {content}}}},
                        {"metadata", role == "assistant" ? json{{"model_slug", "gpt-4o"}} : json::object()}};
        mapping[nodeId] = {{"id", nodeId}, {"message", message}, {"parent", under}, {"children", json::array()}};
        mapping[under]["children"].push_back(nodeId);
        return nodeId;
    };
    std::string lastParent = root;
    for (const auto& message : messages) {
        lastParent = parent;
        parent = addNode(message.at("role").get<std::string>(), message.at("content").get<std::string>(), parent);
    }
    addNode(messages.back().at("role").get<std::string>(), "Regenerated: 🙂 {{ braces }}", lastParent);
    return {{"id", id}, {"title", title}, {"create_time", 1717000000.0}, {"update_time", time},
            {"current_node", parent}, {"mapping", mapping}};
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: make_import_seeds TESTDATA_DIR OUTPUT_DIR\n");
        return 2;
    }
    const std::filesystem::path source = std::filesystem::path(argv[1]) / "chat-templates" / "expected.json";
    const std::filesystem::path output = argv[2];
    std::ifstream in(source, std::ios::binary);
    const json expected = json::parse(in, nullptr, false);
    if (expected.is_discarded() || !expected.contains("conversations")) {
        std::fprintf(stderr, "make_import_seeds: cannot read conversations from %s\n", source.c_str());
        return 1;
    }
    std::filesystem::create_directories(output);

    auto all = storage::openStore(":memory:");
    json chatGptAll = json::array();
    int written = 0;
    int number = 0;
    for (const auto& [name, messages] : expected["conversations"].items()) {
        auto one = storage::openStore(":memory:");
        if (!one || !all || !addConversation(*one, name, messages) || !addConversation(*all, name, messages)) {
            std::fprintf(stderr, "make_import_seeds: cannot build conversation %s\n", name.c_str());
            return 1;
        }
        auto ours = storage::exportJson(*one, {});
        const std::string id = "6790c3a2-1f0e-8000-9d1b-00000000000" + std::to_string(number++);
        json chatGpt = json::array({chatGptConversation(id, name, messages)});
        chatGptAll.push_back(chatGpt[0]);
        if (!ours || !writeFile(output / ("confidant-" + name + ".json"), *ours) ||
            !writeFile(output / ("chatgpt-" + name + ".json"), chatGpt.dump(2)))
            return 1;
        written += 2;
    }
    auto oursAll = storage::exportJson(*all, {});
    if (!oursAll || !writeFile(output / "confidant-all.json", *oursAll) ||
        !writeFile(output / "chatgpt-all.json", chatGptAll.dump(2)))
        return 1;
    std::printf("make_import_seeds: %d seed files in %s\n", written + 2, output.c_str());
    return 0;
}
