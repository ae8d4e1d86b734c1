// `chat`: a terminal chat with the local model, or with a remote OpenAI-compatible engine
// (--endpoint). Interactive on a terminal (line editing and history through libedit; Ctrl+C
// stops the reply, twice at the prompt quits); with --messages it prints the one reply and exits.
// --db PATH or --save (the app's own store) keeps the chat in the conversation store.
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include <editline/readline.h>

#include "chat/chat_template.h"
#include "cli/commands.h"
#include "cli/model_options.h"
#include "conversations.h"
#include "generator.h"
#include "message_tree.h"
#include "net/model_service.h"
#include "net/remote_client.h"
#include "store.h"

namespace confidant::cli {

using namespace confidant::inference;
using namespace confidant::inference::chat;

namespace {

// Signal state: while a reply streams, Ctrl+C cancels it; at the prompt, a second Ctrl+C quits.
std::atomic<bool> g_generating{false};
std::atomic<bool> g_cancel{false};
std::atomic<int> g_promptInterrupts{0};
termios g_savedTerminal{};
bool g_haveTerminal = false;

void onInterrupt(int) {
    if (g_generating.load()) {
        g_cancel = true;
        return;
    }
    if (g_promptInterrupts.fetch_add(1) + 1 >= 2) {
        if (g_haveTerminal) tcsetattr(STDIN_FILENO, TCSANOW, &g_savedTerminal);
        const char bye[] = "\n";
        (void)!write(STDERR_FILENO, bye, sizeof bye - 1);
        _exit(130);
    }
    const char hint[] = "\n(Ctrl+C again quits; Ctrl+D or /exit too)\n";
    (void)!write(STDERR_FILENO, hint, sizeof hint - 1);
}

constexpr const char* k_help =
    "Commands:\n"
    "  /help          this list\n"
    "  /reset         forget the conversation (the system prompt stays) and start a new one\n"
    "  /exit, /quit   leave (Ctrl+D too; Ctrl+C twice at the prompt)\n"
    "Input:\n"
    "  End a line with \\ to continue on the next; or type \"\"\" alone to start and end a block.\n"
    "  Up/Down recall earlier input; Ctrl+C while the reply streams stops it.\n";

Result<std::string> readTextFile(const std::string& path, const char* what) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(std::string("cannot read the ") + what + " '" + path + "'");
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The store the desktop app uses: $XDG_DATA_HOME/Confidant/confidant.db (Qt's GenericDataLocation).
std::filesystem::path appStorePath() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    std::filesystem::path base = xdg && *xdg ? std::filesystem::path(xdg)
                                              : std::filesystem::path(std::getenv("HOME") ? std::getenv("HOME") : ".") / ".local/share";
    return base / "Confidant" / "confidant.db";
}

struct Reply {
    std::string content;
    std::string thinking;
    storage::FinishReason finish = storage::FinishReason::Stop;
    storage::ReplyInfo info;
    std::string error;  // when the reply failed; content keeps what arrived
};

// Where the chat is kept when --db or --save was given: one conversation per session (and per
// /reset), each user message and reply appended as they complete.
class ChatRecord {
public:
    Result<void> open(const std::filesystem::path& path) {
        auto db = storage::openStore(path, {.createIfMissing = true, .recoverInterruptedReplies = false});
        if (!db) return makeError(db.error().message);
        m_db.emplace(std::move(*db));
        m_path = path;
        return {};
    }
    bool enabled() const { return m_db.has_value(); }
    const std::filesystem::path& path() const { return m_path; }
    void restart() { m_conversationId.clear(), m_lastId.clear(); }

    Result<void> add(const std::vector<ChatMessage>& conversation, const std::string& modelRef, const Reply& reply) {
        if (!m_db) return {};
        if (m_conversationId.empty()) {
            std::string title;
            std::string system;
            for (const auto& m : conversation) {
                if (m.role == "system" && system.empty()) system = m.content;
                if (m.role == "user" && title.empty()) title = m.content.substr(0, 60);
            }
            for (char& c : title)
                if (c == '\n') c = ' ';
            auto made = storage::createConversation(*m_db, {title.empty() ? "Chat" : title, modelRef, system, {}});
            if (!made) return makeError(made.error().message);
            m_conversationId = made->id;
            // Earlier turns (from --messages) first, so the stored chat is the whole one.
            for (size_t i = 0; i + 1 < conversation.size(); ++i)
                if (auto r = append(conversation[i], storage::FinishReason::None, {}); !r) return r;
        }
        if (auto r = append(conversation.back(), storage::FinishReason::None, {}); !r) return r;
        return append({"assistant", reply.content}, reply.finish, reply.info);
    }

private:
    Result<void> append(const ChatMessage& m, storage::FinishReason finish, const storage::ReplyInfo& info) {
        if (m.role == "system") return {};
        storage::NewMessage draft;
        draft.conversationId = m_conversationId;
        draft.parentId = m_lastId;
        draft.role = m.role == "assistant" ? storage::Role::Assistant : storage::Role::User;
        draft.content = m.content;
        draft.finishReason = finish;
        draft.reply = info;
        auto added = storage::appendMessage(*m_db, draft);
        if (!added) return makeError(added.error().message);
        m_lastId = added->id;
        return {};
    }

    std::optional<storage::Database> m_db;
    std::filesystem::path m_path;
    std::string m_conversationId;
    std::string m_lastId;
};

// Reads one message: libedit on a terminal, plain lines otherwise; "\" at the end of a line and
// """ blocks make multi-line messages. nullopt at end of input.
class InputReader {
public:
    explicit InputReader(bool terminal) : m_terminal(terminal) {
        if (m_terminal) {
            using_history();
            stifle_history(500);
        }
    }

    std::optional<std::string> read() {
        std::string message;
        bool block = false;
        while (true) {
            auto line = readLine(message.empty() && !block ? "> " : ". ");
            if (!line) {
                if (!message.empty() || block) return message;
                return std::nullopt;
            }
            if (*line == "\"\"\"") {
                if (block) break;
                block = true;
                continue;
            }
            if (block) {
                message += *line + "\n";
                continue;
            }
            if (!line->empty() && line->back() == '\\') {
                message += line->substr(0, line->size() - 1) + "\n";
                continue;
            }
            message += *line;
            break;
        }
        if (block && !message.empty() && message.back() == '\n') message.pop_back();
        if (m_terminal && !message.empty()) add_history(message.c_str());
        return message;
    }

private:
    std::optional<std::string> readLine(const char* prompt) {
        if (!m_terminal) {
            std::fprintf(stderr, "%s", prompt);
            std::fflush(stderr);
            std::string line;
            if (!std::getline(std::cin, line)) return std::nullopt;
            return line;
        }
        while (true) {
            const int interruptsBefore = g_promptInterrupts.load();
            errno = 0;
            char* raw = readline(prompt);
            if (raw) {
                std::string line(raw);
                std::free(raw);
                g_promptInterrupts = 0;
                return line;
            }
            // A Ctrl+C at the prompt ends readline without input: ask again (the handler said
            // how to quit); only a real end of input (Ctrl+D) ends the chat.
            if (g_promptInterrupts.load() > interruptsBefore || errno == EINTR) continue;
            return std::nullopt;
        }
    }
    bool m_terminal;
};

std::string statsLine(double ttftSeconds, double seconds, std::optional<int64_t> promptTokens, std::optional<int64_t> replyTokens,
                      const char* finish, const std::string& where) {
    char buf[256];
    std::string tokens = promptTokens ? "prompt: " + std::to_string(*promptTokens) + " tokens, " : std::string();
    if (replyTokens) tokens += "reply: " + std::to_string(*replyTokens) + " tokens, ";
    const double rate = replyTokens && seconds > ttftSeconds ? double(*replyTokens) / (seconds - ttftSeconds) : 0.0;
    std::snprintf(buf, sizeof buf, "[%s%stime to first token: %.0f ms, %.2f tok/s, finish: %s]", where.c_str(),
                  tokens.c_str(), ttftSeconds * 1000.0, rate, finish);
    return buf;
}

}  // namespace

int runChat(Arguments& args) {
    auto system = args.value({"--system"});
    if (!system) return fail(system.error().message);
    auto messagesPath = args.value({"--messages"});
    if (!messagesPath) return fail(messagesPath.error().message);
    auto maxTokens = args.integer({"-n", "--n-predict"}, 1, 1 << 24);
    if (!maxTokens) return fail(maxTokens.error().message);
    auto dbPath = args.value({"--db"});
    if (!dbPath) return fail(dbPath.error().message);
    const bool save = args.flag({"--save"});
    auto endpointUrl = args.value({"--endpoint"});
    if (!endpointUrl) return fail(endpointUrl.error().message);
    auto remoteModel = args.value({"--model"});
    if (!remoteModel) return fail(remoteModel.error().message);
    auto apiKey = args.value({"--api-key"});
    if (!apiKey) return fail(apiKey.error().message);
    auto idleTimeout = args.number({"--timeout"}, 0.001, 86400.0);
    if (!idleTimeout) return fail(idleTimeout.error().message);
    if (*dbPath && save) return fail("give either --db PATH or --save (the app's store), not both");

    // The conversation to continue, and the system prompt.
    std::vector<ChatMessage> conversation;
    if (*messagesPath) {
        auto text = readTextFile(**messagesPath, "conversation file");
        if (!text) return fail(text.error().message);
        auto messages = parseConversationJson(*text);
        if (!messages) return fail(**messagesPath + ": " + messages.error().message);
        conversation = std::move(*messages);
    }
    if (*system) {
        if (!conversation.empty() && conversation.front().role == "system") conversation.front().content = **system;
        else conversation.insert(conversation.begin(), ChatMessage{"system", **system});
    }

    // The reply function: the local model, or the remote engine.
    std::function<Reply(const std::vector<ChatMessage>&)> reply;
    std::string modelRef;
    std::optional<LoadedModel> loaded;
    std::optional<ChatFormatter> formatter;
    std::optional<Session> session;
    std::optional<Sampler> sampler;
    std::optional<net::RemoteClient> remote;
    inference::SamplerSettings settings;

    if (*endpointUrl) {
        if (!*remoteModel) return fail("--endpoint needs --model NAME (the remote engine's model id)");
        auto temp = args.number({"--temp", "--temperature"}, 0.0, 100.0);
        if (!temp) return fail(temp.error().message);
        auto positionals = args.positionals();
        if (!positionals) return fail(positionals.error().message + " (with --endpoint: --model, --temp, -n, --messages, --system, --api-key, --timeout, --db, --save)");
        if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");
        net::Endpoint endpoint{.baseUrl = **endpointUrl};
        if (*apiKey) endpoint.apiKey = **apiKey;
        else if (const char* env = std::getenv("CONFIDANT_REMOTE_API_KEY"); env) endpoint.apiKey = env;
        if (*idleTimeout) endpoint.idleTimeoutSeconds = **idleTimeout;
        remote.emplace(endpoint);
        modelRef = "remote:" + remote->endpoint().baseUrl + "#" + **remoteModel;
        const std::optional<double> temperature = *temp ? std::optional<double>(**temp) : std::nullopt;
        reply = [&, temperature, name = **remoteModel](const std::vector<ChatMessage>& messages) {
            net::CompletionRequest request;
            request.model = name;
            request.messages = messages;
            request.temperature = temperature;
            if (*maxTokens) request.maxTokens = uint32_t(**maxTokens);
            bool thinkingShown = false;
            net::StreamCallbacks callbacks{
                [&](const std::string& text) {
                    if (thinkingShown) {
                        std::fprintf(stderr, "\n");
                        thinkingShown = false;
                    }
                    std::fwrite(text.data(), 1, text.size(), stdout);
                    std::fflush(stdout);
                },
                [&](const std::string& text) {
                    // The model's thinking, apart from the answer: dim, on stderr.
                    if (!thinkingShown) std::fprintf(stderr, "\x1b[2m[thinking] ");
                    thinkingShown = true;
                    std::fprintf(stderr, "%s", text.c_str());
                }};
            const net::RemoteReply r = remote->streamChat(request, callbacks, &g_cancel);
            if (thinkingShown) std::fprintf(stderr, "\x1b[0m\n");
            Reply out;
            out.content = r.content;
            out.thinking = r.thinking;
            out.info.backend = "remote";
            out.info.device = remote->endpoint().baseUrl + " " + name;
            if (temperature) out.info.sampler.temperature = *temperature;
            if (r.usage) {
                out.info.promptTokens = int64_t(r.usage->promptTokens);
                out.info.generatedTokens = int64_t(r.usage->completionTokens);
            }
            out.info.timeToFirstTokenMs = r.timeToFirstToken * 1000.0;
            using net::RemoteFailure;
            out.finish = r.failure == RemoteFailure::Cancelled ? storage::FinishReason::Cancelled
                         : r.failure == RemoteFailure::Interrupted || r.failure == RemoteFailure::Timeout
                             ? storage::FinishReason::Interrupted
                         : !r.ok()                  ? storage::FinishReason::Error
                         : r.finishReason == "length" ? storage::FinishReason::Length
                                                      : storage::FinishReason::Stop;
            if (!r.ok() && r.failure != RemoteFailure::Cancelled) out.error = r.error;
            std::fprintf(stderr, "\n%s\n",
                         statsLine(r.timeToFirstToken, r.seconds, out.info.promptTokens, out.info.generatedTokens,
                                   r.ok() ? r.finishReason.c_str() : net::remoteFailureName(r.failure),
                                   "remote " + name + ", ").c_str());
            return out;
        };
    } else {
        if (*remoteModel) return fail("--model names a remote engine's model: use it with --endpoint (the local model is -m)");
        auto overrides = ChatFormatterOptions{};
        auto family = args.value({"--template"});
        if (!family) return fail(family.error().message);
        auto templateFile = args.value({"--template-file"});
        if (!templateFile) return fail(templateFile.error().message);
        if (*family && *templateFile) return fail("give either --template or --template-file, not both");
        if (*family) {
            overrides.family = chatFamilyFromName(**family);
            if (!overrides.family)
                return fail("unknown built-in template '" + **family + "' (choose one of: " + chatFamilyNames() + ")");
        }
        if (*templateFile) {
            auto source = readTextFile(**templateFile, "template file");
            if (!source) return fail(source.error().message);
            overrides.templateSource = std::move(*source);
        }
        auto s = samplerOptions(args);
        if (!s) return fail(s.error().message);
        settings = *s;
        auto l = loadModelAndBackend(args);
        if (!l) return fail(l.error().message);
        loaded.emplace(std::move(*l));
        auto contextLength = contextOption(args, *loaded->model);
        if (!contextLength) return fail(contextLength.error().message);
        auto positionals = args.positionals();
        if (!positionals) return fail(positionals.error().message);
        if (!positionals->empty()) return fail("unexpected argument '" + positionals->front() + "'");
        auto f = ChatFormatter::forModel(loaded->model->file(), overrides);
        if (!f) return fail(f.error().message);
        formatter.emplace(std::move(*f));
        std::fprintf(stderr, "[chat template: %s]\n", formatter->chatTemplate().origin().c_str());
        auto created = Session::create(loaded->model, *loaded->backend, *contextLength);
        if (!created) return fail(created.error().message);
        session.emplace(std::move(*created));
        sampler.emplace(settings);
        modelRef = loaded->model->file().path();
        reply = [&](const std::vector<ChatMessage>& messages) {
            Reply out;
            const Tokenizer& tokenizer = loaded->model->tokenizer();
            const Vocabulary& vocabulary = tokenizer.vocabulary();
            // The one conversation -> prompt path the server uses too.
            auto prompt = net::renderConversationPrompt(*formatter, messages);
            if (!prompt) {
                out.error = prompt.error().message;
                out.finish = storage::FinishReason::Error;
                return out;
            }
            std::vector<TokenId> ids = tokenizer.encode(*prompt, {.addBos = false, .parseSpecial = true});
            if (vocabulary.addBos && vocabulary.bos >= 0 && (ids.empty() || ids.front() != vocabulary.bos))
                ids.insert(ids.begin(), vocabulary.bos);
            if (ids.empty() || ids.size() >= session->contextLength()) {
                out.error = "the conversation (" + std::to_string(ids.size()) + " tokens) no longer fits the " +
                            std::to_string(session->contextLength()) + "-token context; start over with /reset or use --ctx";
                out.finish = storage::FinishReason::Error;
                return out;
            }
            TokenId previous = ids.back();
            GenerationRequest request;
            request.prompt = ids;
            request.cancel = &g_cancel;
            request.maxTokens = std::min<uint32_t>(uint32_t(maxTokens->value_or(512)),
                                                   session->contextLength() - uint32_t(ids.size()));
            request.onToken = [&](TokenId id) {
                const std::string piece = tokenizer.tokenText(id, previous);
                previous = id;
                out.content += piece;
                std::fwrite(piece.data(), 1, piece.size(), stdout);
                std::fflush(stdout);
                return true;
            };
            auto stats = generate(*session, *sampler, request);
            if (!stats) {
                out.error = stats.error().message;
                out.finish = storage::FinishReason::Error;
                return out;
            }
            out.finish = stats->finishReason == FinishReason::Cancelled ? storage::FinishReason::Cancelled
                         : stats->finishReason == FinishReason::Stop    ? storage::FinishReason::Stop
                                                                        : storage::FinishReason::Length;
            out.info.modelFile = loaded->model->file().path();
            out.info.backend = loaded->backend->name();
            out.info.device = loaded->backend->deviceName();
            out.info.sampler.temperature = settings.temperature;
            out.info.sampler.topK = settings.topK;
            out.info.sampler.topP = settings.topP;
            out.info.sampler.minP = settings.minP;
            out.info.sampler.seed = int64_t(settings.seed);
            out.info.promptTokens = stats->promptTokens;
            out.info.generatedTokens = stats->generatedTokens;
            out.info.timeToFirstTokenMs = stats->timeToFirstToken * 1000.0;
            out.info.tokensPerSecond = stats->tokensPerSecond();
            std::fprintf(stderr, "\n[prompt: %u tokens (%u reused), reply: %u tokens, time to first token: %.0f ms, "
                                 "%.2f tok/s, finish: %s]\n",
                         stats->promptTokens, stats->reusedPromptTokens, stats->generatedTokens,
                         stats->timeToFirstToken * 1000.0, stats->tokensPerSecond(), finishReasonName(stats->finishReason));
            return out;
        };
    }

    ChatRecord record;
    if (*dbPath || save) {
        const std::filesystem::path path = *dbPath ? std::filesystem::path(**dbPath) : appStorePath();
        if (save) std::filesystem::create_directories(path.parent_path());
        if (auto opened = record.open(path); !opened) return fail(opened.error().message);
    }
    const auto keep = [&](const Reply& r) {
        if (!record.enabled()) return;
        if (auto saved = record.add(conversation, modelRef, r); !saved)
            std::fprintf(stderr, "confidant-cli: error: the chat could not be saved to %s: %s\n", record.path().c_str(),
                         saved.error().message.c_str());
    };

    struct sigaction action {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);  // no SA_RESTART: a blocking read returns to us

    const auto runTurn = [&]() -> Reply {
        g_cancel = false;
        g_generating = true;
        Reply r = reply(conversation);
        g_generating = false;
        if (r.finish == storage::FinishReason::Cancelled) std::fprintf(stderr, "[stopped]\n");
        return r;
    };

    if (*messagesPath) {
        if (conversation.empty() || conversation.back().role != "user")
            return fail("the conversation in " + **messagesPath + " must end with a user message to reply to");
        Reply r = runTurn();
        keep(r);
        if (!r.error.empty()) return fail(r.error);
        return r.finish == storage::FinishReason::Cancelled ? 130 : 0;
    }

    const bool terminal = isatty(STDIN_FILENO);
    if (terminal && tcgetattr(STDIN_FILENO, &g_savedTerminal) == 0) g_haveTerminal = true;
    std::fprintf(stderr, "Type a message and press Enter (/help for commands)%s.\n",
                 record.enabled() ? (", saving to " + record.path().string()).c_str() : "");
    const std::vector<ChatMessage> start = conversation;
    InputReader input(terminal);
    while (auto line = input.read()) {
        if (*line == "/exit" || *line == "/quit") break;
        if (*line == "/help") {
            std::fprintf(stderr, "%s", k_help);
            continue;
        }
        if (*line == "/reset") {
            const size_t dropped = conversation.size() - start.size();
            conversation = start;
            record.restart();
            std::fprintf(stderr, "[conversation reset: %zu message%s forgotten%s%s]\n", dropped, dropped == 1 ? "" : "s",
                         start.empty() ? "" : ", the system prompt kept",
                         record.enabled() ? "; the next message starts a new saved conversation" : "");
            continue;
        }
        if (!line->empty() && line->front() == '/' && line->find('\n') == std::string::npos && line->find(' ') == std::string::npos) {
            std::fprintf(stderr, "unknown command %s (/help lists them)\n", line->c_str());
            continue;
        }
        if (line->find_first_not_of(" \t\n") == std::string::npos) continue;
        conversation.push_back({"user", *line});
        Reply r = runTurn();
        if (!r.error.empty() && r.content.empty()) {
            std::fprintf(stderr, "confidant-cli: error: %s\n", r.error.c_str());
            conversation.pop_back();
            continue;
        }
        if (!r.error.empty()) std::fprintf(stderr, "confidant-cli: error: %s\n", r.error.c_str());
        std::fputc('\n', stdout);
        std::fflush(stdout);
        keep(r);
        // A stopped or cut reply stays in the conversation as far as it got.
        conversation.push_back({"assistant", r.content});
    }
    std::fprintf(stderr, "\n");
    return 0;
}

}  // namespace confidant::cli
