// The `template` command: renders a conversation into the exact prompt text a model sees (the
// `chat` command is in chat_command.cpp).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

#include "chat/chat_template.h"
#include "cli/commands.h"
#include "cli/model_options.h"
#include "generator.h"

namespace confidant::cli {

using namespace confidant::inference;
using namespace confidant::inference::chat;

namespace {

Result<std::string> readTextFile(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(std::string("cannot read the ") + what + " '" + path + "'");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

Result<std::vector<ChatMessage>> readConversation(const std::string& path) {
    auto text = readTextFile(path, "conversation file");
    if (!text) return text.error();
    auto messages = parseConversationJson(*text);
    if (!messages) return makeError(path + ": " + messages.error().message);
    return messages;
}

// --template NAME and --template-file F: the overrides both commands accept.
Result<ChatFormatterOptions> templateOverrides(Arguments& args) {
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
        auto source = readTextFile(**file, "template file");
        if (!source) return source.error();
        options.templateSource = std::move(*source);
    }
    return options;
}

}  // namespace

int runTemplate(Arguments& args) {
    auto modelPath = args.value({"-m", "--model"});
    if (!modelPath) return fail(modelPath.error().message);
    auto overrides = templateOverrides(args);
    if (!overrides) return fail(overrides.error().message);
    auto messagesPath = args.value({"--messages"});
    if (!messagesPath) return fail(messagesPath.error().message);
    const bool noGenerationPrompt = args.flag({"--no-generation-prompt"});
    const bool foldSystem = args.flag({"--fold-system"});
    auto bos = args.value({"--bos"});
    if (!bos) return fail(bos.error().message);
    auto eos = args.value({"--eos"});
    if (!eos) return fail(eos.error().message);
    auto dateText = args.value({"--date"});
    if (!dateText) return fail(dateText.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");
    if (!*messagesPath) return fail("no conversation given: use --messages CONV.json");
    if (!*modelPath && !overrides->templateSource && !overrides->family)
        return fail("no template given: use -m MODEL, --template-file F or --template NAME");

    std::optional<ChatFormatter> formatter;
    if (*modelPath) {
        auto file = GgufFile::open(**modelPath);
        if (!file) return fail(file.error().message);
        auto made = ChatFormatter::forModel(**file, *overrides);
        if (!made) return fail(made.error().message);
        formatter.emplace(std::move(*made));
    } else if (overrides->templateSource) {
        auto t = ChatTemplate::fromSource(*overrides->templateSource, "the template file");
        if (!t) return fail(t.error().message);
        formatter.emplace(std::move(*t), "", "", foldSystem);
    } else {
        formatter.emplace(ChatTemplate::fallback(*overrides->family), "", "", foldSystem);
    }
    RenderOptions& options = formatter->renderOptions();
    if (*bos) options.bosToken = **bos;
    if (*eos) options.eosToken = **eos;
    if (*dateText) {
        auto date = parseDate(**dateText);
        if (!date) return fail(date.error().message);
        options.date = *date;
    }
    auto messages = readConversation(**messagesPath);
    if (!messages) return fail(messages.error().message);

    // Exactly what the template makes of the conversation, unless folding was asked for.
    options.addGenerationPrompt = !noGenerationPrompt;
    auto prompt = foldSystem ? formatter->format(*messages, !noGenerationPrompt)
                             : renderChat(formatter->chatTemplate(), *messages, options);
    if (!prompt) return fail(prompt.error().message);
    std::fwrite(prompt->data(), 1, prompt->size(), stdout);
    return 0;
}

}  // namespace confidant::cli
