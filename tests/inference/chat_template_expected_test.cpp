// The acceptance test of the chat-template renderer: every case of
// chat-templates/expected.json (real templates rendered by Python's Jinja2 the way Hugging Face's
// apply_chat_template does) must come out byte-identical, and cases where Jinja2 raised must
// raise with the template's own message.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "chat/chat_template.h"
#include "test_data.h"

namespace {

using namespace confidant::inference::chat;
using Json = nlohmann::ordered_json;

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string firstDifference(const std::string& expected, const std::string& actual) {
    size_t i = 0;
    while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
    const auto around = [i](const std::string& s) {
        const size_t from = i > 20 ? i - 20 : 0;
        return Json(s.substr(from, 60)).dump();
    };
    return "first difference at byte " + std::to_string(i) + ": expected " + around(expected) + ", got " + around(actual);
}

TEST(ChatTemplateExpected, EveryCaseMatchesJinja2) {
    CONFIDANT_TESTDATA_FILE(path, "chat-templates/expected.json");
    const Json data = Json::parse(readFile(path));
    RenderOptions options;
    options.bosToken = data["bos_token"].get<std::string>();
    options.eosToken = data["eos_token"].get<std::string>();
    auto date = parseDate(data["strftime_now_date"].get<std::string>());
    ASSERT_TRUE(date.ok()) << date.error().message;
    options.date = *date;

    std::map<std::string, std::vector<ChatMessage>> conversations;
    for (const auto& [name, messages] : data["conversations"].items())
        for (const auto& m : messages)
            conversations[name].push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});

    int total = 0, passed = 0;
    for (const auto& [templateName, entry] : data["templates"].items()) {
        auto chatTemplate = ChatTemplate::fromSource(entry["source"].get<std::string>(), templateName);
        for (const auto& [caseName, expected] : entry["cases"].items()) {
            ++total;
            const std::string label = templateName + " " + caseName;
            if (!chatTemplate) {
                ADD_FAILURE() << label << ": the template does not parse: " << chatTemplate.error().message;
                continue;
            }
            const std::string conversation = caseName.substr(0, caseName.find('/'));
            ASSERT_TRUE(conversations.count(conversation)) << label;
            RenderOptions caseOptions = options;
            caseOptions.addGenerationPrompt = caseName.substr(caseName.find('/') + 1) == "gen";
            confidant::inference::jinja::TemplateFailure failure;
            auto rendered = renderChat(*chatTemplate, conversations[conversation], caseOptions, &failure);
            if (expected.contains("error")) {
                const std::string message = expected["error"].get<std::string>();
                if (rendered) {
                    ADD_FAILURE() << label << ": Jinja2 raised \"" << message << "\" but we rendered " << Json(*rendered).dump();
                } else if (failure.kind != confidant::inference::jinja::FailureKind::Raised || failure.message != message ||
                           rendered.error().message.find(message) == std::string::npos || failure.line <= 0) {
                    ADD_FAILURE() << label << ": expected the template to raise \"" << message << "\", got: "
                                  << rendered.error().message;
                } else {
                    ++passed;
                }
                continue;
            }
            const std::string want = expected["output"].get<std::string>();
            if (!rendered) {
                ADD_FAILURE() << label << ": failed: " << rendered.error().message;
            } else if (*rendered != want) {
                ADD_FAILURE() << label << ": " << firstDifference(want, *rendered);
            } else {
                ++passed;
            }
        }
    }
    std::printf("[chat templates] %d of %d expected.json cases match Jinja2\n", passed, total);
    EXPECT_EQ(passed, total);
    EXPECT_GE(total, 260);
}

}  // namespace
