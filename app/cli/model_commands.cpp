// info, tokenize, detokenize and generate.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/commands.h"
#include "chat/reply_stream.h"
#include "cli/model_options.h"
#include "cli/prompt_options.h"
#include "cli/terminal_text.h"
#include "generator.h"

namespace confidant::cli {

using namespace confidant::inference;

namespace {

std::string humanBytes(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024 && u < 4) {
        bytes /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.2f %s", bytes, units[u]);
    return buf;
}

std::string humanCount(double n) {
    const char* units[] = {"", " K", " M", " B", " T"};
    int u = 0;
    while (n >= 1000 && u < 4) {
        n /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f%s" : "%.2f%s", n, units[u]);
    return buf;
}

std::string metadataText(const GgufFile& file, const std::string& key) {
    const GgufValue* v = file.find(key);
    if (!v) return "-";
    if (v->type == GgufType::String) return terminalSafe(v->stringValue);
    if (v->isInteger()) return std::to_string(file.getInt(key).ok() ? *file.getInt(key) : 0);
    if (v->isFloat()) {
        std::ostringstream s;
        s << v->floatValue;
        return s.str();
    }
    return v->describeType();
}

std::string tokenLabel(const Vocabulary& vocabulary, TokenId id) {
    if (!vocabulary.isValid(id)) return "none";
    return std::to_string(id) + " '" + terminalSafe(vocabulary.tokens[size_t(id)]) + "'";
}

// Takes -m and builds just its tokenizer: tokenize and detokenize need no weights, so they also
// work on vocabulary-only GGUF files and skip loading a large model.
Result<std::unique_ptr<Tokenizer>> loadTokenizerOption(Arguments& args) {
    auto path = args.value({"-m", "--model"});
    if (!path) return path.error();
    if (!*path) return makeError("no model given: use -m MODEL.gguf");
    auto file = GgufFile::open(**path);
    if (!file) return file.error();
    auto vocabulary = Vocabulary::fromGguf(**file);
    if (!vocabulary) return vocabulary.error();
    return Tokenizer::create(std::move(*vocabulary));
}

}  // namespace

int runInfo(Arguments& args) {
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (positionals->size() != 1) return fail("info needs exactly one model file: confidant-cli info MODEL");
    // Reads the file directly rather than loading a Model, so that it describes files Confidant
    // cannot run too.
    auto opened = GgufFile::open(positionals->front());
    if (!opened) return fail(opened.error().message);
    const GgufFile& file = **opened;
    const std::string arch = metadataText(file, "general.architecture");

    uint64_t parameters = 0;
    struct TypeUse { uint64_t tensors = 0, elements = 0, bytes = 0; };
    std::map<std::string, TypeUse> types;
    for (const auto& t : file.tensors()) {
        parameters += t.elementCount;
        auto& use = types[std::string(tensorTypeName(t.type))];
        ++use.tensors;
        use.elements += t.elementCount;
        use.bytes += t.byteSize;
    }

    std::printf("file:            %s\n", terminalSafe(file.path()).c_str());
    std::printf("GGUF version:    %u\n", file.version());
    std::printf("name:            %s\n", metadataText(file, "general.name").c_str());
    std::printf("architecture:    %s\n", arch.c_str());
    std::printf("file size:       %s (%llu bytes)\n", humanBytes(double(file.fileSize())).c_str(),
                (unsigned long long)file.fileSize());
    std::printf("parameters:      %s (%llu)\n", humanCount(double(parameters)).c_str(), (unsigned long long)parameters);
    std::printf("tensors:         %zu\n", file.tensors().size());
    std::printf("tensor types:\n");
    for (const auto& [name, use] : types)
        std::printf("  %-8s %5llu tensors  %6.2f%% of parameters  %s\n", name.c_str(), (unsigned long long)use.tensors,
                    parameters ? 100.0 * double(use.elements) / double(parameters) : 0.0, humanBytes(double(use.bytes)).c_str());
    std::printf("context length:  %s\n", metadataText(file, arch + ".context_length").c_str());
    std::printf("embedding:       %s\n", metadataText(file, arch + ".embedding_length").c_str());
    std::printf("layers:          %s\n", metadataText(file, arch + ".block_count").c_str());
    std::printf("heads:           %s (KV heads: %s)\n", metadataText(file, arch + ".attention.head_count").c_str(),
                metadataText(file, arch + ".attention.head_count_kv").c_str());
    std::printf("feed-forward:    %s\n", metadataText(file, arch + ".feed_forward_length").c_str());

    auto vocabulary = Vocabulary::fromGguf(file);
    if (vocabulary) {
        std::printf("tokenizer:       %s%s, %zu tokens\n", terminalSafe(vocabulary->model).c_str(),
                    vocabulary->preTokenizer.empty() ? "" : (" (" + terminalSafe(vocabulary->preTokenizer) + ")").c_str(),
                    vocabulary->size());
        std::printf("special tokens:  BOS %s, EOS %s, UNK %s, PAD %s\n", tokenLabel(*vocabulary, vocabulary->bos).c_str(),
                    tokenLabel(*vocabulary, vocabulary->eos).c_str(), tokenLabel(*vocabulary, vocabulary->unk).c_str(),
                    tokenLabel(*vocabulary, vocabulary->pad).c_str());
        std::string stops;
        for (TokenId id : vocabulary->endOfGeneration) stops += (stops.empty() ? "" : ", ") + tokenLabel(*vocabulary, id);
        std::printf("end of turn:     %s\n", stops.empty() ? "none" : stops.c_str());
    } else {
        std::printf("tokenizer:       unusable: %s\n", terminalSafe(vocabulary.error().message).c_str());
    }
    std::printf("chat template:   %s\n", file.has("tokenizer.chat_template") ? "yes" : "no");
    return 0;
}

int runTokenize(Arguments& args) {
    const bool bos = args.flag({"--bos"});
    const bool parseSpecial = args.flag({"--parse-special"});
    auto tokenizer = loadTokenizerOption(args);
    if (!tokenizer) return fail(tokenizer.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (positionals->size() != 1) return fail("tokenize needs exactly one TEXT argument");
    const auto ids = (*tokenizer)->encode(positionals->front(), {.addBos = bos, .parseSpecial = parseSpecial});
    for (size_t i = 0; i < ids.size(); ++i) std::printf(i ? " %d" : "%d", ids[i]);
    std::printf("\n");
    return 0;
}

int runDetokenize(Arguments& args) {
    auto tokenizer = loadTokenizerOption(args);
    if (!tokenizer) return fail(tokenizer.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    const Vocabulary& vocabulary = (*tokenizer)->vocabulary();
    std::vector<TokenId> ids;
    for (const auto& word : *positionals) {
        std::istringstream in(word);
        long long id;
        while (in >> id) {
            if (id < 0 || size_t(id) >= vocabulary.size())
                return fail("token id " + std::to_string(id) + " is outside the " + std::to_string(vocabulary.size()) +
                            "-token vocabulary");
            ids.push_back(TokenId(id));
        }
        if (!in.eof()) return fail("'" + word + "' is not a list of token ids");
    }
    const std::string text = (*tokenizer)->decode(ids);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
}

namespace {

// The prompt limit: far above any context a model has (about 4 bytes a token), small enough to read.
constexpr uint64_t k_maxPromptFileBytes = uint64_t(64) << 20;

// A folder, FIFO or device as --prompt-file is refused before it is opened (a folder made the
// read throw; a FIFO would block).
Result<std::string> readPromptFile(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec) return makeError("cannot read the prompt file '" + path + "': " + ec.message());
    if (!std::filesystem::is_regular_file(status)) return makeError("the prompt file '" + path + "' is not a regular file");
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return makeError("cannot read the prompt file '" + path + "': " + ec.message());
    if (size > k_maxPromptFileBytes)
        return makeError("the prompt file '" + path + "' has " + std::to_string(size >> 20) + " MiB; the limit is " +
                         std::to_string(k_maxPromptFileBytes >> 20) + " MiB");
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError("cannot read the prompt file '" + path + "'");
    std::string text(size_t(size), '\0');
    in.read(text.data(), std::streamsize(size));
    text.resize(size_t(in.gcount()));
    return text;
}

}  // namespace

int runGenerate(Arguments& args) {
    auto prompt = args.value({"-p", "--prompt"});
    if (!prompt) return fail(prompt.error().message);
    auto promptFile = args.value({"--prompt-file", "-f"});
    if (!promptFile) return fail(promptFile.error().message);
    auto messagesPath = args.value({"--messages"});
    if (!messagesPath) return fail(messagesPath.error().message);
    auto templates = templateOptions(args);
    if (!templates) return fail(templates.error().message);
    auto overflow = overflowOption(args);
    if (!overflow) return fail(overflow.error().message);
    const bool printPromptTokens = args.flag({"--print-prompt-tokens"});
    const bool printIds = args.flag({"--ids"});
    auto maxTokens = args.integer({"-n", "--n-predict"}, 0, 1 << 24);
    if (!maxTokens) return fail(maxTokens.error().message);
    auto sampler = samplerOptions(args);
    if (!sampler) return fail(sampler.error().message);
    auto loaded = loadModelAndBackend(args);
    if (!loaded) return fail(loaded.error().message);
    auto contextLength = contextOption(args, *loaded->model);
    if (!contextLength) return fail(contextLength.error().message);
    auto positionals = args.positionals();
    if (!positionals) return fail(positionals.error().message);
    if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");
    if (int(bool(*prompt)) + int(bool(*promptFile)) + int(bool(*messagesPath)) > 1)
        return fail("give one of -p, --prompt-file and --messages");
    if (!*messagesPath && (templates->templateSource || templates->family))
        return fail("--template and --template-file need a conversation: use --messages CONV.json");

    const Tokenizer& tokenizer = loaded->model->tokenizer();
    const uint32_t replyTokens = uint32_t(maxTokens->value_or(256));
    std::vector<TokenId> promptIds;
    std::vector<std::string> stopStrings;
    if (*messagesPath) {
        // The same path as the desktop app: template, BOS by id, stop strings, context fitting.
        auto conversation = readConversationFile(**messagesPath);
        if (!conversation) return fail(conversation.error().message);
        auto prompter = chat::ConversationPrompter::forModel(loaded->model->file(), tokenizer, *templates);
        if (!prompter) return fail(prompter.error().message);
        std::fprintf(stderr, "[%s]\n", prompter->note().c_str());
        auto built = prompter->build(*conversation, {*contextLength, replyTokens, *overflow});
        if (!built) return fail(built.error().message);
        if (built->droppedMessages > 0)
            std::fprintf(stderr, "[%zu oldest message%s left out to fit the %u-token context]\n", built->droppedMessages,
                         built->droppedMessages == 1 ? "" : "s", *contextLength);
        promptIds = std::move(built->tokens);
        stopStrings = prompter->stopStrings();
    } else {
        std::string text = prompt->value_or("");
        if (*promptFile) {
            auto read = readPromptFile(**promptFile);
            if (!read) return fail(read.error().message);
            text = std::move(*read);
        }
        promptIds = tokenizer.encode(text, {.addBos = tokenizer.vocabulary().addBos, .parseSpecial = true});
        if (promptIds.empty()) {
            if (tokenizer.vocabulary().bos < 0) return fail("the prompt is empty and the model has no BOS token to start from");
            promptIds.push_back(tokenizer.vocabulary().bos);
        }
    }
    if (printPromptTokens) {
        for (size_t i = 0; i < promptIds.size(); ++i) std::printf(i ? " %d" : "%d", promptIds[i]);
        std::printf("\n");
        return 0;
    }

    auto session = Session::create(loaded->model, *loaded->backend, *contextLength);
    if (!session) return fail(session.error().message);
    Sampler s(*sampler);
    chat::ReplyStream stream(stopStrings);
    TokenId previous = promptIds.back();
    GenerationRequest request;
    request.prompt = promptIds;
    request.maxTokens = replyTokens;
    bool firstId = true;
    request.onToken = [&](TokenId id) {
        if (printIds) {
            std::printf(firstId ? "%d" : " %d", id);
            firstId = false;
            std::fflush(stdout);
            return true;
        }
        const std::string piece = stream.push(tokenizer.tokenText(id, previous));
        previous = id;
        std::fwrite(piece.data(), 1, piece.size(), stdout);
        std::fflush(stdout);
        return !stream.stopped();
    };
    auto stats = generate(*session, s, request);
    if (printIds) std::printf("\n");
    if (!stats) return fail(stats.error().message);
    const std::string rest = stream.finish();
    std::fwrite(rest.data(), 1, rest.size(), stdout);
    std::fprintf(stderr,
                 "\n[%s on %s] prompt: %u tokens (%.1f tok/s), generated: %u tokens (%.2f tok/s), "
                 "time to first token: %.1f ms, finish: %s, seed: %llu\n",
                 loaded->backend->name().c_str(), loaded->backend->deviceName().c_str(), stats->promptTokens,
                 stats->promptTokensPerSecond(), stats->generatedTokens, stats->tokensPerSecond(),
                 stats->timeToFirstToken * 1000.0, stream.stopped() ? "stop" : finishReasonName(stats->finishReason),
                 (unsigned long long)sampler->seed);
    return 0;
}

}  // namespace confidant::cli
