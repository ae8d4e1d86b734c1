// Exports (Markdown, HTML, text, JSON) and the JSON import: lossless round trip, validation that
// names the place and writes nothing, no duplicates on re-import.
#include <gtest/gtest.h>

#include "export.h"
#include "json_format.h"
#include "reply_writer.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::addMessage;
using testing::TempDir;

// A conversation with everything the format must carry: branches, settings, statistics, a
// cancelled reply, text that needs escaping and a code block.
std::string buildRichConversation(Database& db) {
    NewConversation draft{.title = "Parsing <tags> & \"quotes\"", .modelRef = "qwen2-1.5b-instruct-q8_0.gguf",
                          .systemPrompt = "Answer briefly."};
    draft.settings.sampler = {.temperature = 0.6, .topK = 40, .topP = 0.9, .minP = 0.05, .repeatPenalty = 1.1,
                              .repeatLastN = 64, .seed = 7};
    draft.settings.contextSize = 8192;
    auto c = createConversation(db, draft);
    EXPECT_TRUE(c.ok());
    Message q = addMessage(db, c->id, "", Role::User, "How do I escape <div> in HTML?");
    ReplyInfo info{.modelFile = "qwen2-1.5b-instruct-q8_0.gguf", .modelSha256 = std::string(64, 'f'),
                   .backend = "vulkan", .device = "AMD Radeon RX 6600"};
    auto first = ReplyWriter::begin(db, c->id, q.id, "Use &lt;div&gt;:\n\n```html\n<p>&lt;div&gt;</p>\nif (a < b && c > d) {}\n```\n",
                                    info);
    EXPECT_TRUE(first.ok());
    ReplyInfo stats{.sampler = {.temperature = 0.6, .seed = 7}, .promptTokens = 31, .generatedTokens = 40,
                    .timeToFirstTokenMs = 120.25, .tokensPerSecond = 48.5};
    EXPECT_TRUE(first->finish(FinishReason::Stop, stats).ok());
    auto second = ReplyWriter::begin(db, c->id, q.id, "Use entities, e.g. `&lt;`", info);
    EXPECT_TRUE(second.ok());
    EXPECT_TRUE(second->finish(FinishReason::Cancelled, {}).ok());
    EXPECT_TRUE(selectBranch(db, first->messageId()).ok());
    addMessage(db, c->id, first->messageId(), Role::User, "Thanks! Ünïcödé too? 日本語");
    return c->id;
}

TEST(Export, MarkdownHasTheSelectedBranchVerbatim) {
    Database db = testing::openOrDie(":memory:");
    auto id = buildRichConversation(db);
    auto data = loadConversation(db, id);
    ASSERT_TRUE(data.ok());
    std::string md = exportMarkdown(*data);
    EXPECT_EQ(md.rfind("# Parsing <tags> & \"quotes\"\n", 0), 0u) << md;
    EXPECT_NE(md.find("## You\n\nHow do I escape <div> in HTML?"), std::string::npos) << md;
    EXPECT_NE(md.find("## Assistant (version 1 of 2)"), std::string::npos) << md;
    EXPECT_NE(md.find("```html\n<p>&lt;div&gt;</p>\nif (a < b && c > d) {}\n```"), std::string::npos) << md;
    EXPECT_NE(md.find("40 tokens · 48.5 tokens/s"), std::string::npos) << md;
    EXPECT_EQ(md.find("Use entities"), std::string::npos) << "the other branch is not shown";
    EXPECT_NE(md.find("日本語"), std::string::npos);
    EXPECT_NE(md.find("## System prompt\n\nAnswer briefly."), std::string::npos);
}

TEST(Export, HtmlIsSelfContainedEscapedAndKeepsCodeBlocks) {
    Database db = testing::openOrDie(":memory:");
    auto data = loadConversation(db, buildRichConversation(db));
    ASSERT_TRUE(data.ok());
    std::string html = exportHtml(*data);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html.find("<title>Parsing &lt;tags&gt; &amp; &quot;quotes&quot;</title>"), std::string::npos);
    EXPECT_NE(html.find("<style>"), std::string::npos);
    EXPECT_NE(html.find("@media print"), std::string::npos);
    EXPECT_NE(html.find("How do I escape &lt;div&gt; in HTML?"), std::string::npos);
    EXPECT_EQ(html.find("<div> in"), std::string::npos) << "user text is never markup";
    EXPECT_NE(html.find("<pre><code class=\"language-html\">&lt;p&gt;&amp;lt;div&amp;gt;&lt;/p&gt;\n"
                        "if (a &lt; b &amp;&amp; c &gt; d) {}\n</code></pre>"),
              std::string::npos)
        << html;
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos) << "no external resources";
    EXPECT_EQ(html.find("https://"), std::string::npos) << "no external resources";
    EXPECT_NE(html.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
    EXPECT_NE(html.find("version 1 of 2"), std::string::npos);
}

// Issue #17: the HTML export used to leave Markdown as it was ("## ...", "**...**" literally).
TEST(Export, HtmlRendersTheAssistantsMarkdownAndShowsTypedTextAsTyped) {
    Database db = testing::openOrDie(":memory:");
    auto c = createConversation(db, {.title = "Markdown", .systemPrompt = "Be brief.\n  - keep this indent"});
    ASSERT_TRUE(c.ok());
    Message q = addMessage(db, c->id, "", Role::User, "## not a heading\n**typed**\n    indented <b>x</b>");
    addMessage(db, c->id, q.id, Role::Assistant,
               "## Steps\n\n1. **Mix** the *flour*\n2. Wait\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
               "Raw <script>alert(1)</script> and <img src=x onerror=alert(1)> stay text.\n\n`a < b`");
    auto data = loadConversation(db, c->id);
    ASSERT_TRUE(data.ok());
    const std::string html = exportHtml(*data);
    EXPECT_NE(html.find("<h2>Steps</h2>"), std::string::npos) << html;
    EXPECT_NE(html.find("<ol>\n<li><strong>Mix</strong> the <em>flour</em></li>"), std::string::npos) << html;
    EXPECT_NE(html.find("<table>"), std::string::npos) << html;
    EXPECT_NE(html.find("<code>a &lt; b</code>"), std::string::npos) << html;
    EXPECT_EQ(html.find("<script"), std::string::npos) << "raw HTML in a reply is escaped, never markup";
    EXPECT_EQ(html.find("<img"), std::string::npos) << html;
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos) << html;
    // What the user typed stays exactly as typed (escaped), whitespace kept by the stylesheet.
    EXPECT_NE(html.find("<div class=\"typed\">## not a heading\n**typed**\n    indented &lt;b&gt;x&lt;/b&gt;</div>"),
              std::string::npos)
        << html;
    EXPECT_NE(html.find(".typed { white-space: pre-wrap;"), std::string::npos);
    EXPECT_NE(html.find("<div class=\"typed\">Be brief.\n  - keep this indent</div>"), std::string::npos) << html;
}

TEST(Export, TextIsATranscript) {
    Database db = testing::openOrDie(":memory:");
    auto data = loadConversation(db, buildRichConversation(db));
    ASSERT_TRUE(data.ok());
    std::string text = exportText(*data);
    EXPECT_EQ(text.rfind("Parsing <tags> & \"quotes\"\n=====", 0), 0u) << text;
    EXPECT_NE(text.find("[You, "), std::string::npos);
    EXPECT_NE(text.find("]\nHow do I escape <div> in HTML?\n"), std::string::npos);
    EXPECT_NE(text.find("[Assistant, "), std::string::npos);
}

TEST(ExportJson, ExportImportExportIsIdentical) {
    Database source = testing::openOrDie(":memory:");
    buildRichConversation(source);
    auto empty = createConversation(source, {.title = "Empty one"});
    ASSERT_TRUE(empty.ok());
    ASSERT_OK(setPinned(source, empty->id, true));
    auto first = exportJson(source, {});
    ASSERT_TRUE(first.ok());

    Database target = testing::openOrDie(":memory:");
    auto report = importJson(target, *first);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->imported, 2);
    EXPECT_EQ(report->messages, 4);
    auto second = exportJson(target, {});
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(*second, *first);

    // Everything survived, not only what the JSON shows: compare the loaded structures too.
    auto ids = allConversationIds(source);
    ASSERT_TRUE(ids.ok());
    ASSERT_EQ(ids->size(), 2u);
    for (const auto& id : *ids) {
        auto a = loadConversation(source, id);
        auto b = loadConversation(target, id);
        ASSERT_TRUE(a.ok() && b.ok());
        EXPECT_EQ(a->conversation, b->conversation);
        EXPECT_EQ(a->messages, b->messages);
    }
    EXPECT_NE(first->find("\"time_to_first_token_ms\": 120.25"), std::string::npos) << *first;
    EXPECT_NE(first->find("\"finish_reason\": \"cancelled\""), std::string::npos);
}

TEST(ExportJson, ReimportingDoesNotDuplicate) {
    Database db = testing::openOrDie(":memory:");
    buildRichConversation(db);
    auto text = exportJson(db, {});
    ASSERT_TRUE(text.ok());
    auto report = importJson(db, *text);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->imported, 0);
    EXPECT_EQ(report->skipped, 1);
    EXPECT_EQ(*countConversations(db), 1);
    EXPECT_EQ(*db.queryInt("SELECT count(*) FROM messages"), 4);
}

// The report names the conversations it added, in the file's order, and progress counts every
// conversation of the file, the skipped ones too.
TEST(ExportJson, ReportListsTheAddedIdsAndProgressCountsEveryConversation) {
    Database source = testing::openOrDie(":memory:");
    buildRichConversation(source);
    auto second = createConversation(source, {.title = "Second"});
    auto third = createConversation(source, {.title = "Third"});
    ASSERT_TRUE(second.ok() && third.ok());
    auto text = exportJson(source, {});
    ASSERT_TRUE(text.ok());
    auto order = allConversationIds(source);
    ASSERT_TRUE(order.ok());

    Database target = testing::openOrDie(":memory:");
    auto onlySecond = exportJson(source, {second->id});
    ASSERT_TRUE(onlySecond.ok());
    ASSERT_TRUE(importJson(target, *onlySecond).ok());

    std::vector<std::pair<int, int>> calls;
    auto report = importJson(target, *text, [&](int done, int total) { calls.emplace_back(done, total); });
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->imported, 2);
    EXPECT_EQ(report->skipped, 1);
    std::vector<std::string> expected;
    for (const std::string& id : *order)
        if (id != second->id) expected.push_back(id);
    EXPECT_EQ(report->addedIds, expected);
    EXPECT_EQ(calls, (std::vector<std::pair<int, int>>{{1, 3}, {2, 3}, {3, 3}}));
}

struct BadCase {
    const char* name;
    std::string from;
    std::string to;
    std::string expectedPlace;
};

TEST(ImportJson, MalformedFilesAreRejectedNamingThePlaceAndWriteNothing) {
    Database source = testing::openOrDie(":memory:");
    buildRichConversation(source);
    buildRichConversation(source);
    const std::string good = *exportJson(source, {});

    const BadCase cases[] = {
        {"role", "\"role\": \"assistant\"", "\"role\": \"wizard\"", "conversations[0].messages[1].role"},
        {"time", "\"created_at\": \"", "\"created_at\": \"yesterday", "conversations[0].created_at"},
        {"format", "\"format\": \"confidant-conversations\"", "\"format\": \"something-else\"", "format"},
        {"version", "\"version\": 1", "\"version\": 99", "format version 99"},
        {"syntax", "\"conversations\": [", "\"conversations\": [,", "line "},
        {"parent", "\"parent_id\": null", "\"parent_id\": \"nowhere\"", "conversations[0].messages[0].parent_id"},
        {"tokens", "\"generated_tokens\": 40", "\"generated_tokens\": \"forty\"",
         "conversations[0].messages[1].reply.generated_tokens"},
        // Found by fuzz_import: a number too large for a double threw out of the JSON parser.
        {"overflow", "\"generated_tokens\": 40", "\"generated_tokens\": 9e8957", "number overflow"},
    };
    for (const BadCase& bad : cases) {
        std::string text = good;
        auto at = text.find(bad.from);
        ASSERT_NE(at, std::string::npos) << bad.name;
        text.replace(at, bad.from.size(), bad.to);
        Database target = testing::openOrDie(":memory:");
        auto report = importJson(target, text);
        ASSERT_FALSE(report.ok()) << bad.name;
        EXPECT_EQ(report.error().code, ErrorCode::InvalidInput) << bad.name;
        EXPECT_NE(report.error().message.find(bad.expectedPlace), std::string::npos)
            << bad.name << ": " << report.error().message;
        EXPECT_EQ(report.error().message.find('\n'), std::string::npos) << "one line";
        EXPECT_EQ(*countConversations(target), 0) << bad.name;
        EXPECT_EQ(*target.queryInt("SELECT count(*) FROM messages"), 0) << bad.name;
    }

    const auto detected = detectImportFormat("[{\"mapping\": {}, \"create_time\": 1e999}]");
    ASSERT_FALSE(detected.ok());
    EXPECT_NE(detected.error().message.find("not valid JSON"), std::string::npos) << detected.error().message;

    // A problem only in the second conversation still writes nothing of the first.
    std::string text = good;
    auto second = text.find("\"role\": \"user\"", text.find("\"id\"", text.find("\"messages\"", text.find("\"messages\"") + 1)));
    ASSERT_NE(second, std::string::npos);
    text.replace(second, 14, "\"role\": 3");
    Database target = testing::openOrDie(":memory:");
    auto report = importJson(target, text);
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("conversations[1]"), std::string::npos) << report.error().message;
    EXPECT_EQ(*countConversations(target), 0);
}

TEST(ExportFiles, WritesOneFileOrAFolderAtomically) {
    TempDir dir;
    Database db = testing::openOrDie(dir / "store.db");
    auto id = buildRichConversation(db);
    auto other = createConversation(db, {.title = "Second / with: odd*chars"});
    ASSERT_TRUE(other.ok());
    addMessage(db, other->id, "", Role::User, "hi");

    ASSERT_OK(exportConversationToFile(db, id, ExportFormat::Html, dir / "one.html"));
    EXPECT_EQ(testing::readFile(dir / "one.html"), exportHtml(*loadConversation(db, id)));

    auto count = exportAllToFolder(db, ExportFormat::Markdown, dir / "md");
    ASSERT_TRUE(count.ok()) << count.error().message;
    EXPECT_EQ(*count, 2);
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir / "md")) {
        ++files;
        EXPECT_EQ(entry.path().extension(), ".md");
        EXPECT_EQ(entry.path().filename().string().find('/'), std::string::npos);
    }
    EXPECT_EQ(files, 2) << "no temporary files left behind";
    EXPECT_TRUE(std::filesystem::exists(dir / "md" / exportFileName(*other, ExportFormat::Markdown)));

    ASSERT_OK(exportJsonFile(db, {}, dir / "all.json"));
    Database copy = testing::openOrDie(":memory:");
    auto report = importFile(copy, (dir / "all.json").string());
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_EQ(report->imported, 2);

    auto missingFolder = writeFileAtomically(dir / "no" / "such" / "folder.txt", "x");
    ASSERT_FALSE(missingFolder.ok());
    EXPECT_EQ(missingFolder.error().code, ErrorCode::NotFound);
}

}  // namespace
}  // namespace confidant::storage
