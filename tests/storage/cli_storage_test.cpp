// confidant-cli's store commands end to end (import, list, show, search, export) and their
// one-line errors. CTest passes the executable in CONFIDANT_CLI.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdio>

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

}  // namespace
}  // namespace confidant::storage
