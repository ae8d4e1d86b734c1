// Importing ChatGPT's conversations.json. The fixture is built here in the shape of a real export:
// a synthetic root without a message, hidden system and custom-instruction nodes, an edited user
// message and a regenerated reply (siblings), code and multimodal content, Unix times in seconds.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "json_format.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using nlohmann::json;

json node(const std::string& id, const json& message, const char* parent, std::vector<std::string> children) {
    return {{"id", id}, {"message", message}, {"parent", parent ? json(parent) : json(nullptr)}, {"children", children}};
}

json message(const std::string& id, const char* role, json content, double time, json metadata = json::object()) {
    return {{"id", id},
            {"author", {{"role", role}, {"name", nullptr}, {"metadata", json::object()}}},
            {"create_time", time},
            {"update_time", nullptr},
            {"content", content},
            {"status", "finished_successfully"},
            {"end_turn", true},
            {"weight", 1.0},
            {"metadata", metadata},
            {"recipient", "all"}};
}

json text(std::vector<std::string> parts) { return {{"content_type", "text"}, {"parts", parts}}; }

constexpr const char* k_conversationId = "6790c3a2-1f0e-8000-9d1b-3c4f0a7e5b21";
constexpr const char* k_system = "a1b2c3d4-0000-4000-8000-000000000001";
constexpr const char* k_instructions = "a1b2c3d4-0000-4000-8000-000000000002";
constexpr const char* k_question = "a1b2c3d4-0000-4000-8000-000000000003";
constexpr const char* k_questionEdited = "a1b2c3d4-0000-4000-8000-000000000004";
constexpr const char* k_answer = "a1b2c3d4-0000-4000-8000-000000000005";
constexpr const char* k_answerRegenerated = "a1b2c3d4-0000-4000-8000-000000000006";
constexpr const char* k_codeAnswer = "a1b2c3d4-0000-4000-8000-000000000007";
constexpr const char* k_photoQuestion = "a1b2c3d4-0000-4000-8000-000000000008";

std::string chatGptExport() {
    const double t = 1717000000.0;
    json mapping = json::object();
    mapping["client-created-root"] = node("client-created-root", nullptr, nullptr, {k_system});
    mapping[k_system] = node(k_system,
                             message(k_system, "system", text({""}), t,
                                     {{"is_visually_hidden_from_conversation", true}}),
                             "client-created-root", {k_instructions});
    mapping[k_instructions] = node(
        k_instructions,
        message(k_instructions, "user",
                {{"content_type", "user_editable_context"}, {"user_profile", "I am a cook."}, {"user_instructions", ""}},
                t + 1, {{"is_visually_hidden_from_conversation", true}}),
        k_system, {k_question, k_questionEdited});
    mapping[k_question] = node(k_question, message(k_question, "user", text({"How long to boil an egg?"}), t + 2),
                               k_instructions, {k_answer, k_answerRegenerated});
    mapping[k_answer] = node(k_answer,
                             message(k_answer, "assistant", text({"About 7 minutes for a jammy yolk."}), t + 3,
                                     {{"model_slug", "gpt-4o"}, {"finish_details", {{"type", "stop"}}}}),
                             k_question, {});
    mapping[k_answerRegenerated] = node(
        k_answerRegenerated,
        message(k_answerRegenerated, "assistant", text({"Soft: 6 minutes. Hard: 10 minutes."}), t + 4,
                {{"model_slug", "gpt-4o"}, {"finish_details", {{"type", "max_tokens"}}}}),
        k_question, {});
    mapping[k_questionEdited] = node(
        k_questionEdited, message(k_questionEdited, "user", text({"How long to boil a duck egg?"}), t + 5),
        k_instructions, {k_codeAnswer});
    mapping[k_codeAnswer] = node(
        k_codeAnswer,
        message(k_codeAnswer, "assistant",
                {{"content_type", "code"}, {"language", "python"}, {"text", "minutes = 9\nprint(minutes)"}}, t + 6,
                {{"model_slug", "gpt-4o"}}),
        k_questionEdited, {k_photoQuestion});
    mapping[k_photoQuestion] = node(
        k_photoQuestion,
        message(k_photoQuestion, "user",
                {{"content_type", "multimodal_text"},
                 {"parts",
                  {{{"content_type", "image_asset_pointer"}, {"asset_pointer", "file-service://file-abc"},
                    {"width", 512}, {"height", 512}},
                   "Is this one done?"}}},
                t + 7),
        k_codeAnswer, {});

    json conversation = {{"title", "Boiling eggs"},
                         {"create_time", t},
                         {"update_time", t + 7.5},
                         {"mapping", mapping},
                         {"moderation_results", json::array()},
                         {"current_node", k_photoQuestion},
                         {"plugin_ids", nullptr},
                         {"conversation_id", k_conversationId},
                         {"conversation_template_id", nullptr},
                         {"gizmo_id", nullptr},
                         {"is_archived", false},
                         {"safe_urls", json::array()},
                         {"default_model_slug", "gpt-4o"},
                         {"id", k_conversationId}};
    json second = {{"title", "Empty chat"},
                   {"create_time", t + 100},
                   {"update_time", t + 100},
                   {"mapping", {{"root", node("root", nullptr, nullptr, {})}}},
                   {"current_node", "root"},
                   {"id", "6790c3a2-1f0e-8000-9d1b-3c4f0a7e5b22"}};
    return json::array({conversation, second}).dump();
}

std::vector<std::string> contents(const std::vector<Message>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(m.content);
    return out;
}

TEST(ImportChatGpt, KeepsTheTreeTheShownBranchAndTheMetadata) {
    Database db = testing::openOrDie(":memory:");
    const std::string file = chatGptExport();
    EXPECT_EQ(*detectImportFormat(file), ImportFormat::ChatGpt);
    auto report = importChatGpt(db, file);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->imported, 2);
    EXPECT_EQ(report->messages, 6) << "root, hidden system and custom instructions are dropped";

    auto c = getConversation(db, k_conversationId);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->title, "Boiling eggs");
    EXPECT_EQ(c->source, "chatgpt");
    EXPECT_EQ(c->modelRef, "gpt-4o");
    EXPECT_EQ(c->createdAt, 1717000000000);
    EXPECT_EQ(c->updatedAt, 1717000007500);
    EXPECT_EQ(c->selectedLeafId, k_photoQuestion);

    auto branch = loadSelectedBranch(db, k_conversationId);
    ASSERT_TRUE(branch.ok());
    EXPECT_EQ(contents(*branch), (std::vector<std::string>{"How long to boil a duck egg?",
                                                            "```python\nminutes = 9\nprint(minutes)\n```",
                                                            "[image]\nIs this one done?"}));
    // The edit is a sibling of the original question (both now roots), the regeneration a sibling
    // of the first answer.
    EXPECT_EQ(loadSiblings(db, k_question)->size(), 2u);
    auto answers = loadSiblings(db, k_answer);
    ASSERT_TRUE(answers.ok());
    ASSERT_EQ(answers->size(), 2u);
    EXPECT_EQ((*answers)[0].finishReason, FinishReason::Stop);
    EXPECT_EQ((*answers)[1].finishReason, FinishReason::Length);
    EXPECT_EQ((*answers)[1].reply.modelFile, "gpt-4o");
    EXPECT_EQ((*answers)[1].createdAt, 1717000004000);

    EXPECT_EQ(getConversation(db, "6790c3a2-1f0e-8000-9d1b-3c4f0a7e5b22")->title, "Empty chat");
}

TEST(ImportChatGpt, ImportingTwiceAddsNothing) {
    Database db = testing::openOrDie(":memory:");
    ASSERT_TRUE(importChatGpt(db, chatGptExport()).ok());
    auto again = importChatGpt(db, chatGptExport());
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->imported, 0);
    EXPECT_EQ(again->skipped, 2);
    EXPECT_EQ(*countConversations(db), 2);
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM messages"), 6);
}

TEST(ImportChatGpt, TimesOutsideTheCalendarCountAsMissing) {
    // Found by fuzz_import: a create_time of 10^100 seconds overflowed the conversion to ms.
    json document = json::parse(chatGptExport());
    document[0]["create_time"] = 1e100;
    document[0]["update_time"] = -1e100;
    document[0]["mapping"][k_question]["message"]["create_time"] = 7.7e77;
    Database db = testing::openOrDie(":memory:");
    ASSERT_TRUE(importChatGpt(db, document.dump()).ok());
    auto conversation = getConversation(db, k_conversationId);
    ASSERT_TRUE(conversation.ok());
    EXPECT_EQ(conversation->createdAt, 0);
    EXPECT_EQ(conversation->updatedAt, 0);
    auto question = getMessage(db, k_question);
    ASSERT_TRUE(question.ok());
    EXPECT_EQ(question->createdAt, 0);  // the conversation's time stands in
    auto exported = exportJson(db, {});
    ASSERT_TRUE(exported.ok());
    EXPECT_NE(exported->find("\"created_at\": \"1970-01-01T00:00:00.000Z\""), std::string::npos);
}

TEST(StoreTypes, IsoTimesFormatEveryMillisecondValue) {
    EXPECT_EQ(formatIsoTime(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(formatIsoTime(1717000000123), "2024-05-29T16:26:40.123Z");
    EXPECT_EQ(parseIsoTime(formatIsoTime(-1)), -1);
    // The extremes do not overflow (the text is meaningless, but nothing undefined happens).
    EXPECT_FALSE(formatIsoTime(INT64_MIN).empty());
    EXPECT_FALSE(formatIsoTime(INT64_MAX).empty());
}

TEST(ImportChatGpt, MalformedFilesNameThePlaceAndWriteNothing) {
    Database db = testing::openOrDie(":memory:");
    json broken = json::parse(chatGptExport());
    broken[1]["mapping"]["root"]["children"] = "not a list";
    auto report = importChatGpt(db, broken.dump());
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("[1].mapping[\"root\"].children"), std::string::npos) << report.error().message;
    EXPECT_EQ(*countConversations(db), 0);

    // Found by fuzz_import: an id our own format cannot carry was imported, so its export could
    // not be imported back.
    json longId = json::parse(chatGptExport());
    longId[1]["id"] = std::string(129, 'a');
    report = importChatGpt(db, longId.dump());
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("[1].id: longer than 128 characters"), std::string::npos) << report.error().message;
    EXPECT_EQ(*countConversations(db), 0);

    json noMapping = json::parse(chatGptExport());
    noMapping[0].erase("mapping");
    report = importChatGpt(db, noMapping.dump());
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("[0].mapping"), std::string::npos) << report.error().message;

    auto notJson = detectImportFormat("{\"conversations\": [");
    ASSERT_FALSE(notJson.ok());
    EXPECT_NE(notJson.error().message.find("line 1"), std::string::npos) << notJson.error().message;
    auto neither = detectImportFormat("{\"hello\": 1}");
    ASSERT_FALSE(neither.ok());
    EXPECT_EQ(neither.error().code, ErrorCode::InvalidInput);
    EXPECT_EQ(*countConversations(db), 0);
}

TEST(ImportChatGpt, ALongChainImportsWholeWithItsOrder) {
    constexpr int k_length = 1000;
    json mapping = json::object();
    mapping["root"] = node("root", nullptr, nullptr, {"n0"});
    for (int i = 0; i < k_length; ++i) {
        const std::string id = "n" + std::to_string(i);
        std::vector<std::string> children;
        if (i + 1 < k_length) children.push_back("n" + std::to_string(i + 1));
        mapping[id] = node(id, message(id, i % 2 ? "assistant" : "user", text({"turn " + std::to_string(i)}), 1e9 + i),
                           i == 0 ? "root" : ("n" + std::to_string(i - 1)).c_str(), children);
    }
    json file = json::array({{{"title", "Long"}, {"create_time", 1e9}, {"mapping", mapping},
                              {"current_node", "n" + std::to_string(k_length - 1)}, {"id", "long-conversation"}}});
    Database db = testing::openOrDie(":memory:");
    auto report = importChatGpt(db, file.dump());
    ASSERT_TRUE(report.ok()) << report.error().message;
    auto branch = loadSelectedBranch(db, "long-conversation");
    ASSERT_TRUE(branch.ok());
    ASSERT_EQ(branch->size(), size_t(k_length));
    EXPECT_EQ(branch->front().content, "turn 0");
    EXPECT_EQ(branch->back().content, "turn " + std::to_string(k_length - 1));
    EXPECT_EQ(branch->back().id.size(), 36u) << "node ids that are not UUIDs get new ones";
}

}  // namespace
}  // namespace confidant::storage

namespace confidant::storage {
namespace {

// Issue #18: a tree whose every node names a parent (no root) imported 0 messages and reported
// success.
TEST(ImportChatGpt, ATreeWithoutARootIsAnErrorNotAnEmptyConversation) {
    const double t = 1717000000.0;
    json mapping = json::object();
    mapping[k_question] = node(k_question, message(k_question, "user", text({"Hello?"}), t), k_answer, {k_answer});
    mapping[k_answer] = node(k_answer, message(k_answer, "assistant", text({"Hi."}), t + 1), k_question, {k_question});
    json file = json::array({{{"id", k_conversationId}, {"title", "Loop"}, {"create_time", t}, {"mapping", mapping}}});
    Database db = testing::openOrDie(":memory:");
    auto report = importChatGpt(db, file.dump());
    ASSERT_FALSE(report.ok()) << "imported " << report->imported << " conversations, " << report->messages << " messages";
    EXPECT_EQ(report.error().code, ErrorCode::InvalidInput);
    EXPECT_NE(report.error().message.find("[0].mapping: the message tree has no root"), std::string::npos)
        << report.error().message;
    EXPECT_EQ(*countConversations(db), 0);
}

}  // namespace
}  // namespace confidant::storage
