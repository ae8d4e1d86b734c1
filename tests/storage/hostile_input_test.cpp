// Inputs from a careless user or an attacker (issue #18, 12): import files that are not files or
// are too large, and a conversation long enough that anything quadratic in the exports would take
// minutes (it is exported here in milliseconds; the figures are in docs/BENCHMARKS.md).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "export.h"
#include "json_format.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::TempDir;

TEST(ImportFile, RefusesWhatIsNotARegularFileWithoutReading) {
    TempDir dir;
    Database db = testing::openOrDie(":memory:");
    for (const std::string& path : {std::string("/dev/zero"), dir.path().string()}) {
        auto report = importFile(db, path);
        ASSERT_FALSE(report.ok()) << path;
        EXPECT_EQ(report.error().code, ErrorCode::InvalidInput) << path;
        EXPECT_NE(report.error().message.find("is not a regular file"), std::string::npos) << report.error().message;
    }
    // A pipe with no writer: opening it must not wait for one.
    const auto fifo = dir / "pipe";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    auto report = importFile(db, fifo.string());
    ASSERT_FALSE(report.ok());
    EXPECT_NE(report.error().message.find("a device, pipe or socket"), std::string::npos) << report.error().message;

    auto missing = importFile(db, (dir / "nothing.json").string());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::NotFound);
}

TEST(ImportFile, RefusesAFileOverTheSizeLimitBeforeReadingIt) {
    TempDir dir;
    const auto big = dir / "conversations.json";
    testing::writeFile(big, "[");
    // Sparse: the size is over the limit, the disk holds one block.
    ASSERT_EQ(::truncate(big.c_str(), off_t(k_maxImportFileBytes) + 1), 0);
    Database db = testing::openOrDie(":memory:");
    auto report = importFile(db, big.string());
    ASSERT_FALSE(report.ok());
    EXPECT_EQ(report.error().code, ErrorCode::TooLarge);
    EXPECT_NE(report.error().message.find("larger than the import limit of 512 MiB"), std::string::npos)
        << report.error().message;
    EXPECT_NE(report.error().message.find("split it"), std::string::npos);
}

// A single branch of 20,000 messages plus a few regenerated replies: with a sibling lookup per
// message (the old exports) this is 4e8 string comparisons, tens of seconds under the sanitizers;
// linear, well under a second. Checked for content, not time.
TEST(Export, AVeryLongConversationExportsInLinearTime) {
    ConversationData data;
    data.conversation.id = "long";
    data.conversation.title = "Long";
    const int count = 20000;
    data.messages.reserve(count + 2);
    for (int i = 0; i < count; ++i) {
        Message m;
        m.id = "m" + std::to_string(i);
        m.conversationId = "long";
        m.parentId = i == 0 ? "" : "m" + std::to_string(i - 1);
        m.role = i % 2 == 0 ? Role::User : Role::Assistant;
        m.content = i % 2 == 0 ? "question " + std::to_string(i) : "**answer** " + std::to_string(i);
        m.createdAt = 1000 + i;
        data.messages.push_back(std::move(m));
    }
    // Two later versions of the reply m1 (siblings under m0), not selected.
    for (int v = 0; v < 2; ++v) {
        Message m;
        m.id = "alt" + std::to_string(v);
        m.conversationId = "long";
        m.parentId = "m0";
        m.role = Role::Assistant;
        m.content = "other";
        m.createdAt = 10 * count + v;
        data.messages.push_back(std::move(m));
    }
    data.conversation.selectedLeafId = "m" + std::to_string(count - 1);

    const std::string md = exportMarkdown(data);
    EXPECT_NE(md.find("## Assistant (version 1 of 3)\n\n**answer** 1\n"), std::string::npos);
    EXPECT_NE(md.find("question " + std::to_string(count - 2) + "\n"), std::string::npos);
    EXPECT_EQ(md.find("other"), std::string::npos);
    const std::string html = exportHtml(data);
    EXPECT_NE(html.find("<strong>answer</strong> " + std::to_string(count - 1)), std::string::npos);
    EXPECT_NE(html.find("version 1 of 3"), std::string::npos);
    const std::string text = exportText(data);
    EXPECT_NE(text.find("**answer** " + std::to_string(count - 1)), std::string::npos);

    // siblingPositions agrees with siblingPosition on every message it was asked about.
    std::vector<const Message*> some = {&data.messages[0], &data.messages[1], &data.messages[count], &data.messages[count + 1],
                                        &data.messages[count - 1]};
    auto positions = siblingPositions(data, some);
    for (size_t i = 0; i < some.size(); ++i) EXPECT_EQ(positions[i], siblingPosition(data, *some[i])) << i;
}

}  // namespace
}  // namespace confidant::storage
