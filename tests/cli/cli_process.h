// Runs confidant-cli (path from $CONFIDANT_CLI, set by CTest) as a child process and captures
// its exit code, stdout and stderr.
#pragma once

#include <string>
#include <vector>

namespace confidant::testing {

struct ProcessResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

ProcessResult runCli(const std::vector<std::string>& args);
std::string cliPath();

}  // namespace confidant::testing
