// Exporting every conversation to a folder when the data is hostile: names that collide, ids that
// try to climb out of the folder, files already there. Nothing outside the folder is written and
// nothing already there is replaced; the count is the number of files written (issue #18, 4-5).
#include <gtest/gtest.h>

#include <set>

#include "export.h"
#include "rows.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::TempDir;

void insertRaw(Database& db, const std::string& id, const std::string& title) {
    Conversation c;
    c.id = id;
    c.title = title;
    c.createdAt = c.updatedAt = 1700000000000;
    ASSERT_OK(detail::insertConversation(db, c));
}

TEST(SafeFileStem, KeepsOnlyPlainNameCharacters) {
    EXPECT_EQ(safeFileStem("../../pw"), "pw");
    EXPECT_EQ(safeFileStem(".."), "conversation");
    EXPECT_EQ(safeFileStem(""), "conversation");
    EXPECT_EQ(safeFileStem("/etc/passwd"), "etc-passwd");
    EXPECT_EQ(safeFileStem(std::string("a\0b", 3)), "ab");
    EXPECT_EQ(safeFileStem("\x1b[31mred\x1b[0m"), "31mred0m");
    EXPECT_EQ(safeFileStem("Crème brûlée, 日本語"), "Crème-brûlée-日本語");
    EXPECT_EQ(safeFileStem("bad\xff\xc3utf8\xc2\x85"), "badutf8") << "invalid UTF-8 and C1 controls are dropped";
    const std::string longTitle(500, 'x');
    EXPECT_EQ(safeFileStem(longTitle).size(), k_maxFileStemBytes);
    std::string wide;
    for (int i = 0; i < 100; ++i) wide += "é";
    const std::string cut = safeFileStem(wide);
    EXPECT_LE(cut.size(), k_maxFileStemBytes);
    EXPECT_EQ(cut.size() % 2, 0u) << "cut on a character boundary";
}

TEST(ExportAllToFolder, CollidingNamesAndTraversalIdsNeverOverwriteOrEscape) {
    TempDir dir;
    const auto outside = dir / "pw.md";
    testing::writeFile(outside, "the user's own file");
    const auto folder = dir.path() / "a" / "b";
    std::filesystem::create_directories(folder);
    // A file the user already had in the folder, under the very name the export would pick first.
    Conversation same;
    same.id = "abcdefgh-0001";
    same.title = "Notes";
    const std::string taken = exportFileName(same, ExportFormat::Markdown);
    testing::writeFile(folder / taken, "keep me");
    // A link planted in the folder pointing outside it must not be written through.
    std::filesystem::create_symlink(outside, folder / exportFileName(Conversation{.id = "link", .title = "x"},
                                                                       ExportFormat::Markdown));

    Database db = testing::openOrDie(dir / "store.db");
    insertRaw(db, "abcdefgh-0001", "Notes");
    insertRaw(db, "abcdefgh-0002", "Notes");
    insertRaw(db, "abcdefgh-0003", "Notes");
    insertRaw(db, "../../pw", "");
    insertRaw(db, "a/b", "Same");
    insertRaw(db, "a:b", "Same");
    insertRaw(db, "link", "x");

    auto count = exportAllToFolder(db, ExportFormat::Markdown, folder);
    ASSERT_TRUE(count.ok()) << count.error().message;
    EXPECT_EQ(*count, 7);

    EXPECT_EQ(testing::readFile(outside), "the user's own file");
    EXPECT_EQ(testing::readFile(folder / taken), "keep me");
    std::set<std::string> names;
    int exported = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        names.insert(entry.path().filename().string());
        if (entry.is_symlink() || entry.path().filename() == taken) continue;
        ++exported;
        EXPECT_NE(testing::readFile(entry.path()).find("- Conversation: "), std::string::npos) << entry.path();
    }
    EXPECT_EQ(exported, 7) << "one file per conversation, none merged";
    EXPECT_TRUE(names.count("pw.md"));
    EXPECT_TRUE(names.count("Same-a-b.md"));
    EXPECT_TRUE(names.count("Same-a-b-2.md"));
    // Nothing was written anywhere else under the temporary folder.
    std::set<std::string> everywhere;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path()))
        if (entry.path().parent_path() != folder) everywhere.insert(entry.path().filename().string());
    EXPECT_EQ(everywhere, (std::set<std::string>{"pw.md", "a", "b", "store.db", "store.db-wal", "store.db-shm"}));

    // Exporting again adds a second set of files instead of replacing the first.
    auto again = exportAllToFolder(db, ExportFormat::Markdown, folder);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(*again, 7);
    EXPECT_EQ(size_t(std::distance(std::filesystem::directory_iterator(folder), std::filesystem::directory_iterator())),
              names.size() + 7);
}

TEST(WriteNewFileAtomically, RefusesToReplace) {
    TempDir dir;
    testing::writeFile(dir / "x.txt", "old");
    auto written = writeNewFileAtomically(dir / "x.txt", "new");
    ASSERT_FALSE(written.ok());
    EXPECT_EQ(written.error().code, ErrorCode::Exists);
    EXPECT_EQ(testing::readFile(dir / "x.txt"), "old");
    ASSERT_OK(writeNewFileAtomically(dir / "y.txt", "new"));
    EXPECT_EQ(testing::readFile(dir / "y.txt"), "new");
    EXPECT_EQ(size_t(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator())),
              2u) << "no temporary file left";
}

}  // namespace
}  // namespace confidant::storage
