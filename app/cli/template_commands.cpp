// Chat-template commands: `template` renders a conversation into the exact prompt text a model
// sees; `chat` is a terminal chat that renders each turn with the model's template and streams
// the reply (one-shot when given a conversation file).
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

int runChat(Arguments& args) {
    auto system = args.value({"--system"});
    if (!system) return fail(system.error().message);
    auto messagesPath = args.value({"--messages"});
    if (!messagesPath) return fail(messagesPath.error().message);
    auto maxTokens = args.integer({"-n", "--n-predict"}, 1, 1 << 24);
    if (!maxTokens) return fail(maxTokens.error().message);
    auto overrides = templateOverrides(args);
    if (!overrides) return fail(overrides.error().message);
    auto sampler = samplerOptions(args);
    if (!sampler) return fail(sampler.error().message);
    auto loaded = loadModelAndBackend(args);
    if (!loaded) return fail(loaded.error().message);
    auto contextLength = contextOption(args, *loaded->model);
    if (!contextLength) return fail(contextLength.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");

    auto formatter = ChatFormatter::forModel(loaded->model->file(), *overrides);
    if (!formatter) return fail(formatter.error().message);
    std::fprintf(stderr, "[chat template: %s]\n", formatter->chatTemplate().origin().c_str());

    std::vector<ChatMessage> conversation;
    if (*messagesPath) {
        auto messages = readConversation(**messagesPath);
        if (!messages) return fail(messages.error().message);
        conversation = std::move(*messages);
    }
    if (*system) {
        if (!conversation.empty() && conversation.front().role == "system") conversation.front().content = **system;
        else conversation.insert(conversation.begin(), ChatMessage{"system", **system});
    }

    auto session = Session::create(loaded->model, *loaded->backend, *contextLength);
    if (!session) return fail(session.error().message);
    Sampler s(*sampler);
    const Tokenizer& tokenizer = loaded->model->tokenizer();
    const Vocabulary& vocabulary = tokenizer.vocabulary();

    // Renders the conversation, generates the assistant's reply (streamed to stdout) and returns it.
    const auto reply = [&]() -> Result<std::string> {
        auto prompt = formatter->format(conversation, true);
        if (!prompt) return prompt.error();
        std::vector<TokenId> ids = tokenizer.encode(*prompt, {.addBos = false, .parseSpecial = true});
        if (vocabulary.addBos && vocabulary.bos >= 0 && (ids.empty() || ids.front() != vocabulary.bos))
            ids.insert(ids.begin(), vocabulary.bos);
        if (ids.empty()) return makeError("the rendered prompt is empty");
        if (ids.size() >= session->contextLength())
            return makeError("the conversation (" + std::to_string(ids.size()) + " tokens) no longer fits the " +
                             std::to_string(session->contextLength()) + "-token context; start over with /reset or use --ctx");
        std::string text;
        TokenId previous = ids.back();
        GenerationRequest request;
        request.prompt = ids;
        request.maxTokens = std::min<uint32_t>(uint32_t(maxTokens->value_or(512)),
                                               session->contextLength() - uint32_t(ids.size()));
        request.onToken = [&](TokenId id) {
            const std::string piece = tokenizer.tokenText(id, previous);
            previous = id;
            text += piece;
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
            return true;
        };
        auto stats = generate(*session, s, request);
        if (!stats) return stats.error();
        std::fprintf(stderr, "\n[prompt: %u tokens (%u reused), reply: %u tokens, %.2f tok/s, finish: %s]\n",
                     stats->promptTokens, stats->reusedPromptTokens, stats->generatedTokens, stats->tokensPerSecond(),
                     finishReasonName(stats->finishReason));
        return text;
    };

    if (*messagesPath) {
        auto text = reply();
        if (!text) return fail(text.error().message);
        return 0;
    }

    std::fprintf(stderr, "Type a message and press Enter; /reset starts over, /exit or Ctrl+D quits.\n");
    const std::vector<ChatMessage> start = conversation;
    std::string line;
    while (true) {
        std::fprintf(stderr, "> ");
        std::fflush(stderr);
        if (!std::getline(std::cin, line)) break;
        if (line == "/exit" || line == "/quit") break;
        if (line == "/reset") {
            conversation = start;
            continue;
        }
        if (line.empty()) continue;
        conversation.push_back({"user", line});
        auto text = reply();
        if (!text) {
            conversation.pop_back();
            std::fprintf(stderr, "confidant-cli: error: %s\n", text.error().message.c_str());
            continue;
        }
        std::fputc('\n', stdout);
        conversation.push_back({"assistant", *text});
    }
    std::fprintf(stderr, "\n");
    return 0;
}

}  // namespace confidant::cli
