// confidant-cli's store commands end to end (import, list, show, search, export) and their
// one-line errors. CTest passes the executable in CONFIDANT_CLI.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "export.h"
#include "json_format.h"
#include "storage_test_util.h"

namespace confidant::storage {
namespace {

using testing::TempDir;

struct CliRun {
    int exitCode = -1;
    std::string out;  // stdout and stderr together
};

CliRun runCli(const std::string& arguments) {
    const char* cli = std::getenv("CONFIDANT_CLI");
    CliRun run;
    std::FILE* pipe = ::popen((std::string("'") + cli + "' " + arguments + " 2>&1").c_str(), "r");
    if (!pipe) return run;
    char buffer[4096];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
    int status = ::pclose(pipe);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

class CliStorage : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::getenv("CONFIDANT_CLI")) GTEST_SKIP() << "CONFIDANT_CLI is not set (ctest sets it)";
    }
};

TEST_F(CliStorage, ImportListShowSearchExport) {
    TempDir dir;
    std::string conversationId;
    {
        Database source = testing::openOrDie(":memory:");
        auto c = createConversation(source, {.title = "Sourdough starter"});
        ASSERT_TRUE(c.ok());
        conversationId = c->id;
        Message q = testing::addMessage(source, c->id, "", Role::User, "How often do I feed a levain?");
        testing::addMessage(source, c->id, q.id, Role::Assistant, "Twice a day at room temperature.");
        ASSERT_OK(exportJsonFile(source, {}, dir / "in.json"));
    }
    const std::string db = "--db '" + (dir / "store.db").string() + "'";
    CliRun imported = runCli("import " + db + " '" + (dir / "in.json").string() + "'");
    ASSERT_EQ(imported.exitCode, 0) << imported.out;
    EXPECT_NE(imported.out.find("imported 1 conversation"), std::string::npos) << imported.out;

    CliRun list = runCli("list " + db);
    ASSERT_EQ(list.exitCode, 0) << list.out;
    EXPECT_EQ(list.out.rfind(conversationId + "\tSourdough starter\t", 0), 0u) << list.out;
    EXPECT_NE(list.out.find("\t2 messages\n"), std::string::npos) << list.out;

    CliRun show = runCli("show " + db + " " + conversationId);
    ASSERT_EQ(show.exitCode, 0) << show.out;
    EXPECT_NE(show.out.find("Twice a day at room temperature."), std::string::npos) << show.out;

    CliRun found = runCli("search " + db + " levain");
    ASSERT_EQ(found.exitCode, 0) << found.out;
    EXPECT_NE(found.out.find(conversationId + "\t"), std::string::npos) << found.out;
    EXPECT_NE(found.out.find("[levain]"), std::string::npos) << found.out;

    CliRun exported = runCli("export " + db + " --format json -o '" + (dir / "out.json").string() + "'");
    ASSERT_EQ(exported.exitCode, 0) << exported.out;
    EXPECT_EQ(testing::readFile(dir / "out.json"), testing::readFile(dir / "in.json"));
    CliRun folder = runCli("export " + db + " --format markdown -o '" + (dir / "md").string() + "'");
    ASSERT_EQ(folder.exitCode, 0) << folder.out;
    EXPECT_FALSE(std::filesystem::is_empty(dir / "md"));
}

TEST_F(CliStorage, FailuresAreOneLineWithANonZeroExit) {
    TempDir dir;
    testing::writeFile(dir / "bad.json", "{\"format\": \"confidant-conversations\", \"version\": 1, \"conversations\": [{]}");
    testing::writeFile(dir / "notes.db", "not a database at all, just some text that is long enough");
    const std::string store = "--db '" + (dir / "store.db").string() + "'";
    ASSERT_EQ(runCli("import " + store + " '" + (dir / "bad.json").string() + "'").exitCode, 1);
    const std::pair<std::string, std::string> cases[] = {
        {"list --db '" + (dir / "absent.db").string() + "'", "no database at"},
        {"list", "needs the store"},
        {"list --db '" + (dir / "notes.db").string() + "'", "not a Confidant database"},
        {"show " + store + " 00000000-0000-4000-8000-000000000000", "no conversation with id"},
        {"import " + store + " '" + (dir / "bad.json").string() + "'", "not valid JSON"},
        {"export " + store + " --format pdf -o x", "unknown export format"},
        {"export " + store + " --format html --conversation nope -o '" + (dir / "x.html").string() + "'",
         "no conversation with id nope"},
    };
    for (const auto& [arguments, expected] : cases) {
        CliRun run = runCli(arguments);
        EXPECT_NE(run.exitCode, 0) << arguments;
        EXPECT_NE(run.out.find(expected), std::string::npos) << arguments << ": " << run.out;
        EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1) << arguments << ": " << run.out;
    }
}

// Issue #18, 12: a NUL in a title cut off `list` and `show`; escape sequences in titles and
// messages reached the terminal raw. Both are shown as visible escapes.
TEST_F(CliStorage, TitlesWithNulAndEscapeSequencesArePrintedWholeAndInert) {
    TempDir dir;
    const auto store = dir / "store.db";
    std::string id;
    {
        Database db = testing::openOrDie(store);
        auto c = createConversation(db, {.title = std::string("before") + '\0' + "after \x1b]0;owned\x07 \x1b[2J end"});
        ASSERT_TRUE(c.ok());
        id = c->id;
        testing::addMessage(db, id, "", Role::User, "zebra \x1b[31mred\x1b[0m\nline two \xc2\x9b" "1m");
    }
    const std::string db = "--db '" + store.string() + "'";
    for (const std::string& command : {"list " + db, "show " + db + " " + id, "search " + db + " zebra"}) {
        CliRun run = runCli(command);
        ASSERT_EQ(run.exitCode, 0) << command << ": " << run.out;
        EXPECT_EQ(run.out.find('\x1b'), std::string::npos) << command << ": " << run.out;
        EXPECT_EQ(run.out.find('\x07'), std::string::npos) << command;
        EXPECT_EQ(run.out.find('\0'), std::string::npos) << command;
        EXPECT_EQ(run.out.find("\xc2\x9b"), std::string::npos) << command;
        if (command.rfind("search", 0) != 0) {
            EXPECT_NE(run.out.find("before\\x00after \\x1b]0;owned\\x07 \\x1b[2J end"), std::string::npos)
                << command << ": " << run.out;
        }
    }
    CliRun show = runCli("show " + db + " " + id);
    EXPECT_NE(show.out.find("zebra \\x1b[31mred\\x1b[0m\nline two \\u009b1m"), std::string::npos) << show.out;
}

TEST_F(CliStorage, ImportRefusesDevicesAndFolders) {
    TempDir dir;
    const std::string db = "--db '" + (dir / "store.db").string() + "'";
    for (const std::string& file : {std::string("/dev/zero"), dir.path().string()}) {
        CliRun run = runCli("import " + db + " '" + file + "'");
        EXPECT_EQ(run.exitCode, 1) << run.out;
        EXPECT_NE(run.out.find("is not a regular file"), std::string::npos) << run.out;
        EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), 1) << run.out;
    }
}

// `db check` and `db repair` on a store with one page overwritten.
TEST_F(CliStorage, DbCheckFindsDamageAndDbRepairFixesIt) {
    TempDir dir;
    const auto store = dir / "store.db";
    int pageSize = 0;
    {
        Database db = testing::openOrDie(store);
        for (int i = 0; i < 30; ++i) {
            auto c = createConversation(db, {.title = "c" + std::to_string(i)});
            ASSERT_TRUE(c.ok());
            testing::addMessage(db, c->id, "", Role::User, std::string(3000, 'q'));
        }
        pageSize = int(*db.queryInt("PRAGMA page_size"));
    }
    const std::string db = "--db '" + store.string() + "'";
    CliRun healthy = runCli("db check " + db + " --full");
    ASSERT_EQ(healthy.exitCode, 0) << healthy.out;
    EXPECT_EQ(healthy.out, "ok (full check)\n");
    {
        const auto pages = std::filesystem::file_size(store) / size_t(pageSize);
        std::fstream file(store, std::ios::in | std::ios::out | std::ios::binary);
        file.seekp(std::streamoff(pages / 2) * pageSize);
        file.write(std::string(size_t(pageSize), '\x5a').data(), pageSize);
    }
    CliRun list = runCli("list " + db);
    EXPECT_EQ(list.exitCode, 1) << list.out;
    EXPECT_NE(list.out.find("is damaged"), std::string::npos) << list.out;
    CliRun check = runCli("db check " + db);
    EXPECT_EQ(check.exitCode, 1) << check.out;
    EXPECT_NE(check.out.find("db repair"), std::string::npos) << check.out;
    CliRun repair = runCli("db repair " + db);
    ASSERT_EQ(repair.exitCode, 0) << repair.out;
    EXPECT_NE(repair.out.find("the damaged file is kept at " + store.string() + ".damaged-"), std::string::npos)
        << repair.out;
    CliRun after = runCli("db check " + db + " --full");
    EXPECT_EQ(after.exitCode, 0) << after.out;
    CliRun listed = runCli("list " + db);
    EXPECT_EQ(listed.exitCode, 0) << listed.out;
    CliRun unknown = runCli("db vacuum " + db);
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_NE(unknown.out.find("unknown db action 'vacuum'"), std::string::npos) << unknown.out;
}

}  // namespace
}  // namespace confidant::storage
