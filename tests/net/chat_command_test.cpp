// `confidant-cli chat` fed from a pipe: /help, multi-line input, /reset saying what it did, the
// stats line with time to first token, and --db keeping the chat in the store.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "test_data.h"

namespace {

struct Piped {
    int exitCode = -1;
    std::string out;  // stdout and stderr together
};

Piped runCliWithInput(std::vector<std::string> args, const std::string& input) {
    const char* cli = std::getenv("CONFIDANT_CLI");
    EXPECT_NE(cli, nullptr) << "CONFIDANT_CLI is not set (CTest sets it)";
    args.insert(args.begin(), cli ? cli : "confidant-cli");
    int in[2], out[2];
    EXPECT_EQ(pipe(in), 0);
    EXPECT_EQ(pipe(out), 0);
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(out[1], 2);
        close(in[1]);
        close(out[0]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    EXPECT_EQ(write(in[1], input.data(), input.size()), ssize_t(input.size()));
    close(in[1]);
    Piped r;
    char buf[4096];
    for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) r.out.append(buf, size_t(n));
    close(out[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

TEST(ChatCommand, HelpResetMultiLineAndTheStore) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    const std::string store = ::testing::TempDir() + "chat_command_test.db";
    std::remove(store.c_str());
    const Piped r = runCliWithInput({"chat", "-m", model.string(), "-n", "5", "--temp", "0", "--db", store},
                                    "/help\nOnce upon\\\na time\n/reset\n/bogus\nHello\n/exit\n");
    ASSERT_EQ(r.exitCode, 0) << r.out;
    EXPECT_NE(r.out.find("/reset         forget the conversation"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("[conversation reset: 2 messages forgotten; the next message starts a new saved conversation]"),
              std::string::npos) << r.out;
    EXPECT_NE(r.out.find("unknown command /bogus"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("time to first token: "), std::string::npos) << r.out;

    // Two saved conversations (before and after /reset), the first titled with both lines.
    const Piped list = runCliWithInput({"list", "--db", store}, "");
    ASSERT_EQ(list.exitCode, 0) << list.out;
    EXPECT_NE(list.out.find("Once upon a time\t"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("Hello\t"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("2 messages"), std::string::npos) << list.out;
}

}  // namespace
