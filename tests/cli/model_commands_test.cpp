// confidant-cli as a user runs it: the golden generation on stories260K, tokenize/detokenize,
// info, and one-line errors with a non-zero exit for bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "cli_process.h"
#include "test_data.h"

namespace confidant::testing {
namespace {

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

bool isOneErrorLine(const std::string& err) {
    return err.rfind("confidant-cli: error: ", 0) == 0 && std::count(err.begin(), err.end(), '\n') == 1;
}

TEST(CliGenerate, GreedyStoriesMatchesLlama2cBytesExactly) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    CONFIDANT_TESTDATA_FILE(expected, "models/stories260K.greedy-200.txt");
    const auto r = runCli({"generate", "-m", model.string(), "--temp", "0", "-n", "200"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, readFile(expected));
    EXPECT_NE(r.err.find("generated: 200 tokens"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("time to first token"), std::string::npos);
}

TEST(CliGenerate, PromptIsNotEchoedAndSeedReproduces) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    const std::vector<std::string> args{"generate", "-m", model.string(), "-p", "Once upon a time", "-n", "30",
                                        "--temp", "0.9", "--seed", "7", "--top-k", "20", "--top-p", "0.9",
                                        "--min-p", "0.02", "--repeat-penalty", "1.1"};
    const auto a = runCli(args);
    const auto b = runCli(args);
    ASSERT_EQ(a.exitCode, 0) << a.err;
    EXPECT_EQ(a.out, b.out);
    EXPECT_FALSE(a.out.empty());
    EXPECT_EQ(a.out.find("Once upon a time"), std::string::npos) << "the prompt must not be echoed";
    EXPECT_NE(a.err.find("seed: 7"), std::string::npos);
}

TEST(CliTokenize, RoundTripsThroughDetokenize) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    const auto tokens = runCli({"tokenize", "-m", model.string(), "--bos", "Lily saw a big dog."});
    ASSERT_EQ(tokens.exitCode, 0) << tokens.err;
    EXPECT_EQ(tokens.out.rfind("1 ", 0), 0u) << "starts with BOS: " << tokens.out;
    std::vector<std::string> args{"detokenize", "-m", model.string()};
    std::string ids = tokens.out;
    ids.pop_back();  // newline
    args.push_back(ids);
    const auto text = runCli(args);
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_EQ(text.out, "Lily saw a big dog.");
}

TEST(CliInfo, DescribesTheModel) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    const auto r = runCli({"info", model.string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const char* expected : {"architecture:    llama", "parameters:      292.80 K", "F32         48 tensors",
                                 "context length:  2048", "tokenizer:       llama, 512 tokens", "BOS 1 '<s>'",
                                 "chat template:   no"})
        EXPECT_NE(r.out.find(expected), std::string::npos) << "missing '" << expected << "' in\n" << r.out;
}

TEST(CliErrors, BadInputGivesOneLineAndNonZeroExit) {
    const auto missing = runCli({"generate", "-m", "/nonexistent.gguf"});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_TRUE(isOneErrorLine(missing.err)) << missing.err;
    EXPECT_NE(missing.err.find("cannot open '/nonexistent.gguf'"), std::string::npos);

    const auto notGguf = runCli({"info", "/proc/self/status"});
    EXPECT_NE(notGguf.exitCode, 0);
    EXPECT_TRUE(isOneErrorLine(notGguf.err)) << notGguf.err;

    const auto path = std::filesystem::temp_directory_path() / "confidant_cli_truncated.gguf";
    {
        CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
        const std::string bytes = readFile(model);
        std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size() / 2));
    }
    const auto truncated = runCli({"generate", "-m", path.string(), "-n", "5"});
    std::filesystem::remove(path);
    EXPECT_NE(truncated.exitCode, 0);
    EXPECT_TRUE(isOneErrorLine(truncated.err)) << truncated.err;
    EXPECT_NE(truncated.err.find("truncated"), std::string::npos) << truncated.err;

    const auto unknownCommand = runCli({"frobnicate"});
    EXPECT_NE(unknownCommand.exitCode, 0);
    EXPECT_TRUE(isOneErrorLine(unknownCommand.err));

    const auto badOption = runCli({"generate", "-m", "x.gguf", "--temp", "warm"});
    EXPECT_NE(badOption.exitCode, 0);
    EXPECT_NE(badOption.err.find("--temp needs a number"), std::string::npos);

    const auto unknownOption = runCli({"tokenize", "--frobnicate", "x"});
    EXPECT_NE(unknownOption.exitCode, 0);
    EXPECT_TRUE(isOneErrorLine(unknownOption.err)) << unknownOption.err;
}

TEST(CliVersion, PrintsTheVersion) {
    const auto r = runCli({"--version"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.out.rfind("confidant-cli ", 0), 0u);
}

}  // namespace
}  // namespace confidant::testing
