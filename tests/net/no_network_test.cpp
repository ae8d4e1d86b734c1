// "No network I/O unless the user turned it on": confidant-cli's local commands run under a
// seccomp filter that kills the process at its first socket() call, so any socket (ours or a
// library's) fails the test. The remote chat under the same filter must die: the filter works.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "test_data.h"

namespace {

struct ChildRun {
    int status = -1;
    std::string out;
};

ChildRun runWithoutSockets(std::vector<std::string> args) {
    const char* cli = std::getenv("CONFIDANT_CLI");
    EXPECT_NE(cli, nullptr) << "CONFIDANT_CLI is not set (CTest sets it)";
    args.insert(args.begin(), {CONFIDANT_NO_NETWORK_EXEC, cli ? cli : "confidant-cli"});
    int pipeFds[2];
    EXPECT_EQ(pipe(pipeFds), 0);
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(pipeFds[1], 1);
        close(pipeFds[0]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    close(pipeFds[1]);
    ChildRun r;
    char buf[4096];
    for (ssize_t n; (n = read(pipeFds[0], buf, sizeof buf)) > 0;) r.out.append(buf, size_t(n));
    close(pipeFds[0]);
    waitpid(pid, &r.status, 0);
    return r;
}

TEST(NoNetwork, LocalGenerateAndChatOpenNoSocket) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    const ChildRun generate = runWithoutSockets({"generate", "-m", model.string(), "-p", "Once", "-n", "8", "--temp", "0"});
    ASSERT_TRUE(WIFEXITED(generate.status)) << "killed by signal " << WTERMSIG(generate.status) << " (SIGSYS: a socket)";
    EXPECT_EQ(WEXITSTATUS(generate.status), 0);
    EXPECT_FALSE(generate.out.empty());

    const std::string conversation = ::testing::TempDir() + "no_network_conv.json";
    std::ofstream(conversation) << R"([{"role":"user","content":"Hello"}])";
    const std::string store = ::testing::TempDir() + "no_network.db";
    std::remove(store.c_str());
    const ChildRun chat = runWithoutSockets({"chat", "-m", model.string(), "--messages", conversation, "-n", "8", "--db", store});
    ASSERT_TRUE(WIFEXITED(chat.status)) << "killed by signal " << WTERMSIG(chat.status) << " (SIGSYS: a socket)";
    EXPECT_EQ(WEXITSTATUS(chat.status), 0);
    EXPECT_FALSE(chat.out.empty());
}

TEST(NoNetwork, TheFilterCatchesARemoteChat) {
    const std::string conversation = ::testing::TempDir() + "no_network_conv2.json";
    std::ofstream(conversation) << R"([{"role":"user","content":"Hello"}])";
    const ChildRun remote = runWithoutSockets({"chat", "--endpoint", "http://127.0.0.1:9", "--model", "m", "--messages", conversation});
    ASSERT_TRUE(WIFSIGNALED(remote.status));
    EXPECT_EQ(WTERMSIG(remote.status), SIGSYS);
}

}  // namespace
