// Reading conversation files and template overrides for the prompt path.
#include "cli/prompt_options.h"

#include <fstream>
#include <iterator>

namespace confidant::cli {

using namespace confidant::inference;
using namespace confidant::inference::chat;

namespace {

Result<std::string> readText(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(std::string("cannot read the ") + what + " '" + path + "'");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

Result<std::vector<ChatMessage>> readConversationFile(const std::string& path) {
    auto text = readText(path, "conversation file");
    if (!text) return text.error();
    auto messages = parseConversationJson(*text);
    if (!messages) return makeError(path + ": " + messages.error().message);
    return messages;
}

Result<ChatFormatterOptions> templateOptions(Arguments& args) {
    ChatFormatterOptions options;
    auto family = args.value({"--template"});
    if (!family) return family.error();
    auto file = args.value({"--template-file"});
    if (!file) return file.error();
    if (*family && *file) return makeError("give either --template or --template-file, not both");
    if (*family) {
        options.family = chatFamilyFromName(**family);
        if (!options.family)
            return makeError("unknown built-in template '" + **family + "' (choose one of: " + chatFamilyNames() + ")");
    }
    if (*file) {
        auto source = readText(**file, "template file");
        if (!source) return source.error();
        options.templateSource = std::move(*source);
    }
    return options;
}

Result<ContextOverflow> overflowOption(Arguments& args) {
    auto name = args.value({"--overflow"});
    if (!name) return name.error();
    if (!*name) return ContextOverflow::DropOldest;
    auto overflow = contextOverflowFromName(**name);
    if (!overflow) return makeError("unknown --overflow '" + **name + "' (choose drop or stop)");
    return *overflow;
}

}  // namespace confidant::cli
