// confidant-cli's `template` command end to end: it must print exactly the prompt Jinja2 renders
// (no added newline) for the real templates of chat-templates/expected.json, and fail with the
// template's message where Jinja2 raised. Runs the CLI that CTest names in $CONFIDANT_CLI.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "test_data.h"

namespace {

using Json = nlohmann::ordered_json;

struct CliRun {
    int status = -1;
    std::string out;
    std::string err;
};

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

CliRun runCli(const std::string& cli, const std::vector<std::string>& args, const std::filesystem::path& errFile) {
    std::string command = quote(cli);
    for (const auto& a : args) command += " " + quote(a);
    command += " 2>" + quote(errFile.string());
    CliRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return run;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
    const int status = pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.err = readFile(errFile);
    return run;
}

class TemplateCommand : public ::testing::Test {
protected:
    void SetUp() override {
        const char* cli = std::getenv("CONFIDANT_CLI");
        if (!cli || !std::filesystem::exists(cli)) GTEST_SKIP() << "CONFIDANT_CLI is not set (run through ctest)";
        m_cli = cli;
        m_dir = std::filesystem::temp_directory_path() / ("confidant_template_cli_" + std::to_string(::getpid()));
        std::filesystem::create_directories(m_dir);
    }
    void TearDown() override {
        if (!m_dir.empty()) std::filesystem::remove_all(m_dir);
    }

    std::string m_cli;
    std::filesystem::path m_dir;
};

TEST_F(TemplateCommand, PrintsExactlyWhatJinja2Renders) {
    CONFIDANT_TESTDATA_FILE(expectedPath, "chat-templates/expected.json");
    const Json data = Json::parse(readFile(expectedPath));
    for (const auto& [name, messages] : data["conversations"].items()) {
        std::ofstream(m_dir / (name + ".json"), std::ios::binary) << messages.dump();
    }
    int checked = 0;
    for (const auto& [templateName, entry] : data["templates"].items()) {
        const auto templatePath = expectedPath.parent_path() / templateName;
        // One case per template, in turn, keeps the suite quick; the library test covers every case.
        static const char* const k_caseNames[] = {"multi_turn/gen", "unicode_and_braces/nogen", "system_user/gen",
                                                  "assistant_last/nogen", "system_user/nogen"};
        {
            const char* caseName = k_caseNames[size_t(checked) % std::size(k_caseNames)];
            const Json& expected = entry["cases"][caseName];
            const std::string c = caseName;
            const std::string conversation = c.substr(0, c.find('/'));
            std::vector<std::string> args = {"template", "--template-file", templatePath.string(), "--messages",
                                             (m_dir / (conversation + ".json")).string(), "--bos", "<s>", "--eos", "</s>",
                                             "--date", "2024-07-26"};
            if (c.ends_with("nogen")) args.push_back("--no-generation-prompt");
            const CliRun run = runCli(m_cli, args, m_dir / "stderr.txt");
            ++checked;
            if (expected.contains("error")) {
                EXPECT_EQ(run.status, 1) << templateName << " " << c;
                EXPECT_NE(run.err.find(expected["error"].get<std::string>()), std::string::npos) << templateName << " " << c << ": " << run.err;
                EXPECT_TRUE(run.out.empty());
            } else {
                EXPECT_EQ(run.status, 0) << templateName << " " << c << ": " << run.err;
                EXPECT_EQ(run.out, expected["output"].get<std::string>()) << templateName << " " << c;
            }
        }
    }
    EXPECT_GE(checked, 26);
}

TEST_F(TemplateCommand, UsesTheModelsOwnTemplate) {
    CONFIDANT_TESTDATA_FILE(expectedPath, "chat-templates/expected.json");
    CONFIDANT_TESTDATA_FILE(model, "vocab/llama3-bpe.gguf");  // carries Llama 3.1 8B Instruct's template
    const Json data = Json::parse(readFile(expectedPath));
    std::ofstream(m_dir / "conv.json", std::ios::binary) << data["conversations"]["multi_turn"].dump();
    const CliRun run = runCli(m_cli, {"template", "-m", model.string(), "--messages", (m_dir / "conv.json").string(), "--bos",
                                   "<s>", "--eos", "</s>", "--date", "2024-07-26", "--no-generation-prompt"},
                           m_dir / "stderr.txt");
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out, data["templates"]["meta-llama-Llama-3.1-8B-Instruct.jinja"]["cases"]["multi_turn/nogen"]["output"].get<std::string>());
}

TEST_F(TemplateCommand, RejectsBadInput) {
    std::ofstream(m_dir / "bad.json") << R"({"role": "user"})";
    CliRun run = runCli(m_cli, {"template", "--template", "chatml", "--messages", (m_dir / "bad.json").string()}, m_dir / "e.txt");
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find("JSON array"), std::string::npos) << run.err;
    run = runCli(m_cli, {"template", "--template", "nosuch", "--messages", (m_dir / "bad.json").string()}, m_dir / "e.txt");
    EXPECT_NE(run.err.find("unknown built-in template 'nosuch'"), std::string::npos) << run.err;
    std::ofstream(m_dir / "syntax.jinja") << "ok\n{% if %}";
    std::ofstream(m_dir / "conv.json") << R"([{"role": "user", "content": "Hi"}])";
    run = runCli(m_cli, {"template", "--template-file", (m_dir / "syntax.jinja").string(), "--messages", (m_dir / "conv.json").string()},
                 m_dir / "e.txt");
    EXPECT_EQ(run.status, 1);
    EXPECT_NE(run.err.find("line 2, column 7"), std::string::npos) << run.err;
}

}  // namespace
