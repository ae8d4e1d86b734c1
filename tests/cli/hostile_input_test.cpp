// confidant-cli against hostile input (issue #18): NaN and out-of-range sampler options, a folder
// or a FIFO where a file belongs, and terminal escape sequences in model metadata each give one
// error line (or escaped text), never an abort, a hang or a rewritten terminal.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "cli/terminal_text.h"
#include "cli_process.h"
#include "gguf_writer.h"
#include "test_data.h"

namespace confidant::testing {
namespace {

bool isOneErrorLine(const std::string& err) {
    return err.rfind("confidant-cli: error: ", 0) == 0 && std::count(err.begin(), err.end(), '\n') == 1;
}

TEST(TerminalSafe, EscapesControlCharactersAndKeepsText) {
    EXPECT_EQ(cli::terminalSafe("plain \xC3\xA9t\xC3\xA9\t!", cli::LineBreaks::Keep), "plain \xC3\xA9t\xC3\xA9\t!");
    EXPECT_EQ(cli::terminalSafe("\x1B]0;title\x07"), "\\x1b]0;title\\x07");
    EXPECT_EQ(cli::terminalSafe("a\nb\x7F"), "a b\\x7f");
    EXPECT_EQ(cli::terminalSafe("a\nb", cli::LineBreaks::Keep), "a\nb");
    EXPECT_EQ(cli::terminalSafe("\xC2\x9B" "31m"), "\\u009b31m");  // C1 CSI
}

TEST(CliHostile, SamplerOptionsRefuseNanAndOutOfRangeValues) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
        {{"--temp", "nan"}, "option --temp needs a number from 0 to 100, not 'nan'"},
        {{"--top-p", "1.5"}, "option --top-p needs a number from 0 to 1, not '1.5'"},
        {{"--min-p", "-0.1"}, "option --min-p needs a number from 0 to 1"},
        {{"--repeat-penalty", "inf"}, "option --repeat-penalty needs a number from 0 to 100, not 'inf'"},
        {{"--repeat-penalty", "0"}, "--repeat-penalty must be positive"},
    };
    for (const auto& [options, message] : cases) {
        std::vector<std::string> args{"generate", "-m", model.string(), "-n", "1"};
        args.insert(args.end(), options.begin(), options.end());
        const auto r = runCli(args);
        EXPECT_EQ(r.exitCode, 1) << options[0];
        EXPECT_TRUE(isOneErrorLine(r.err)) << r.err;
        EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    }
}

TEST(CliHostile, AFolderAsPromptFileAndAFifoAsModelAreRefused) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    const auto dir = std::filesystem::temp_directory_path() / ("confidant_cli_hostile_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto folder = runCli({"generate", "-m", model.string(), "--prompt-file", dir.string(), "-n", "1"});
    EXPECT_EQ(folder.exitCode, 1);
    EXPECT_TRUE(isOneErrorLine(folder.err)) << folder.err;
    EXPECT_NE(folder.err.find("is not a regular file"), std::string::npos) << folder.err;

    const auto fifo = dir / "model.gguf";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto r = runCli({"info", fifo.string()});  // blocked forever in open() before
    std::filesystem::remove_all(dir);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(isOneErrorLine(r.err)) << r.err;
    EXPECT_NE(r.err.find("is not a regular file; choose a .gguf model file"), std::string::npos) << r.err;
}

TEST(CliHostile, EscapeSequencesInMetadataAreNotPrintedRaw) {
    using namespace inference;
    GgufWriter w;
    w.set("general.architecture", ggufString("llama\x1B[2J"));
    w.set("general.name", ggufString("\x1B]0;pwned\x07model"));
    const auto path = std::filesystem::temp_directory_path() / ("confidant_cli_escape_" + std::to_string(::getpid()) + ".gguf");
    ASSERT_TRUE(w.writeFile(path.string()));
    const auto info = runCli({"info", path.string()});
    const auto generate = runCli({"generate", "-m", path.string(), "-n", "1"});
    std::filesystem::remove(path);
    EXPECT_EQ(info.out.find('\x1B'), std::string::npos) << info.out;
    EXPECT_NE(info.out.find("\\x1b]0;pwned\\x07model"), std::string::npos) << info.out;
    EXPECT_EQ(info.err.find('\x1B'), std::string::npos) << info.err;
    EXPECT_EQ(generate.exitCode, 1);
    EXPECT_EQ(generate.err.find('\x1B'), std::string::npos) << generate.err;
    EXPECT_NE(generate.err.find("llama\\x1b[2J"), std::string::npos) << generate.err;
}

}  // namespace
}  // namespace confidant::testing
