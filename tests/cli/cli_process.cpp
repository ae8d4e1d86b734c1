// Child-process runner for CLI tests: fork/exec with stdout and stderr sent to temporary files.
#include "cli_process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace confidant::testing {
namespace {

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

}  // namespace

std::string cliPath() {
    const char* env = std::getenv("CONFIDANT_CLI");
    return env && *env ? env : "confidant-cli";
}

ProcessResult runCli(const std::vector<std::string>& args) {
    char outTemplate[] = "/tmp/confidant-cli-out-XXXXXX";
    char errTemplate[] = "/tmp/confidant-cli-err-XXXXXX";
    const int outFd = mkstemp(outTemplate);
    const int errFd = mkstemp(errTemplate);
    ProcessResult result;
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(outFd, 1);
        dup2(errFd, 2);
        const int devNull = open("/dev/null", O_RDONLY);
        dup2(devNull, 0);
        std::vector<char*> argv;
        const std::string path = cliPath();
        argv.push_back(const_cast<char*>(path.c_str()));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    close(outFd);
    close(errFd);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = slurp(outTemplate);
    result.err = slurp(errTemplate);
    std::filesystem::remove(outTemplate);
    std::filesystem::remove(errTemplate);
    return result;
}

}  // namespace confidant::testing
