// The scripting interface for comparing backends with other engines: `generate --ids` prints the
// generated ids, `logits --ids` the teacher-forced top-K logits per position as JSON lines.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_process.h"
#include "test_data.h"

namespace confidant::testing {
namespace {

std::vector<int> parseIds(const std::string& text) {
    std::istringstream in(text);
    std::vector<int> ids;
    int id;
    while (in >> id) ids.push_back(id);
    return ids;
}

std::vector<nlohmann::json> parseLines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

TEST(CliLogits, TopIdsAreTheGreedyContinuation) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    const auto generated = runCli({"generate", "-m", model.string(), "--temp", "0", "-n", "12", "--ids", "--backend",
                                   "reference", "-p", "Once upon a time"});
    ASSERT_EQ(generated.exitCode, 0) << generated.err;
    ASSERT_EQ(generated.out.back(), '\n');
    const std::vector<int> continuation = parseIds(generated.out);
    ASSERT_EQ(continuation.size(), 12u) << generated.out;

    const auto prompt = runCli({"tokenize", "-m", model.string(), "--bos", "Once upon a time"});
    ASSERT_EQ(prompt.exitCode, 0) << prompt.err;
    std::vector<int> sequence = parseIds(prompt.out);
    const size_t promptLength = sequence.size();
    sequence.insert(sequence.end(), continuation.begin(), continuation.end() - 1);

    std::vector<std::string> args{"logits", "-m", model.string(), "--backend", "reference", "--top", "4", "--ids"};
    for (int id : sequence) args.push_back(std::to_string(id));
    const auto r = runCli(args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto lines = parseLines(r.out);
    ASSERT_EQ(lines.size(), sequence.size());
    for (size_t p = 0; p < lines.size(); ++p) {
        EXPECT_EQ(lines[p]["position"].get<size_t>(), p);
        EXPECT_EQ(lines[p]["token"].get<int>(), sequence[p]);
        const auto& top = lines[p]["top"];
        ASSERT_EQ(top.size(), 4u);
        for (size_t i = 1; i < top.size(); ++i)
            EXPECT_GE(top[i - 1]["logit"].get<double>(), top[i]["logit"].get<double>()) << "position " << p;
        // Teacher-forced on the greedy path, every position from the prompt's last on predicts
        // the next greedy token.
        if (p + 1 >= promptLength) {
            EXPECT_EQ(top[0]["id"].get<int>(), continuation[p + 1 - promptLength]) << "position " << p;
        }
    }
}

TEST(CliLogits, IdsMaySeparateByCommasInOneArgument) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    const auto spaced = runCli({"logits", "-m", model.string(), "--backend", "reference", "--ids", "1", "403", "407"});
    const auto commas = runCli({"logits", "-m", model.string(), "--backend", "reference", "--ids", "1,403,407"});
    ASSERT_EQ(spaced.exitCode, 0) << spaced.err;
    EXPECT_EQ(spaced.out, commas.out);
    EXPECT_EQ(parseLines(spaced.out).size(), 3u);
    EXPECT_EQ(parseLines(spaced.out)[0]["top"].size(), 5u) << "five by default";
}

TEST(CliLogits, BadIdsAreOneLineErrors) {
    CONFIDANT_TESTDATA_FILE(model, "models/stories260K.gguf");
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"logits", "-m", model.string(), "--ids", "1", "512"},
          std::vector<std::string>{"logits", "-m", model.string(), "--ids", "1", "x2"},
          std::vector<std::string>{"logits", "-m", model.string(), "1", "2"},
          std::vector<std::string>{"logits", "-m", model.string(), "--ids", "1", "--top", "0"}}) {
        const auto r = runCli(args);
        EXPECT_NE(r.exitCode, 0);
        EXPECT_EQ(r.err.rfind("confidant-cli: error: ", 0), 0u) << r.err;
        EXPECT_TRUE(r.out.empty());
    }
    const auto r = runCli({"logits", "-m", model.string(), "--ids", "1", "512"});
    EXPECT_NE(r.err.find("token id 512 is outside the 512-token vocabulary"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace confidant::testing
