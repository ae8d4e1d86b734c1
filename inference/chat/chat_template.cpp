// Chat templates: the Hugging Face rendering environment, the built-in family templates, the
// model-family guess, and the system-prompt folding that keeps strict templates usable.
#include "chat/chat_template.h"

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

#include "chat/jinja_text.h"

namespace confidant::inference::chat {

namespace {

struct FamilyInfo {
    ChatFamily family;
    std::string_view name;
    std::string_view source;
};

// Our own templates, written from each family's published prompt format. Mistral and Gemma have
// no system role: they raise, and the formatter folds the system prompt into the first user turn.
constexpr FamilyInfo k_families[] = {
    {ChatFamily::ChatML, "chatml",
     R"({%- for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}{%- endfor %}
{%- if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{%- endif %})"},
    {ChatFamily::Llama2, "llama2",
     R"({%- if messages and messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] | trim %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set system_message = '' %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- for message in loop_messages %}
    {%- if message['role'] == 'user' %}
        {{- bos_token + '[INST] ' }}
        {%- if loop.first and system_message %}{{ '<<SYS>>\n' + system_message + '\n<</SYS>>\n\n' }}{% endif %}
        {{- message['content'] | trim + ' [/INST]' }}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + message['content'] | trim + ' ' + eos_token }}
    {%- endif %}
{%- endfor %})"},
    {ChatFamily::Llama3, "llama3",
     R"({{- bos_token }}
{%- for message in messages %}
    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n' + message['content'] | trim + '<|eot_id|>' }}
{%- endfor %}
{%- if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{%- endif %})"},
    {ChatFamily::Mistral, "mistral",
     R"({{- bos_token }}
{%- for message in messages %}
    {%- if message['role'] == 'user' %}
        {{- '[INST] ' + message['content'] + ' [/INST]' }}
    {%- elif message['role'] == 'assistant' %}
        {{- message['content'] + eos_token }}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported') }}
    {%- endif %}
{%- endfor %})"},
    {ChatFamily::Phi3, "phi3",
     R"({%- for message in messages %}{{ '<|' + message['role'] + '|>\n' + message['content'] + '<|end|>\n' }}{%- endfor %}
{%- if add_generation_prompt %}{{ '<|assistant|>\n' }}{%- else %}{{ eos_token }}{%- endif %})"},
    {ChatFamily::Gemma, "gemma",
     R"({{- bos_token }}
{%- for message in messages %}
    {%- if message['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}
    {%- set role = 'model' if message['role'] == 'assistant' else message['role'] %}
    {{- '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}
{%- endfor %}
{%- if add_generation_prompt %}{{ '<start_of_turn>model\n' }}{%- endif %})"},
    {ChatFamily::Zephyr, "zephyr",
     R"({%- for message in messages %}{{ '<|' + message['role'] + '|>\n' + message['content'] + eos_token + '\n' }}{%- endfor %}
{%- if add_generation_prompt %}{{ '<|assistant|>\n' }}{%- endif %})"},
};

const FamilyInfo& familyInfo(ChatFamily family) {
    for (const auto& f : k_families)
        if (f.family == family) return f;
    return k_families[0];
}

std::tm momentFor(const std::optional<Date>& date) {
    std::tm tm{};
    if (date) {
        tm.tm_year = date->year - 1900;
        tm.tm_mon = date->month - 1;
        tm.tm_mday = date->day;
        tm.tm_hour = 12;
        std::time_t t = timegm(&tm);  // fills in the weekday and the day of the year
        gmtime_r(&t, &tm);
        return tm;
    }
    const std::time_t now = std::time(nullptr);
    localtime_r(&now, &tm);
    return tm;
}

jinja::Value strftimeFunction(const std::optional<Date>& date) {
    const std::tm moment = momentFor(date);
    return jinja::Value::function([moment](const jinja::CallArgs& args) -> jinja::Value {
        if (args.positional.size() != 1 || !args.positional[0].isString())
            jinja::fail("strftime_now() takes one format string");
        const std::string& format = args.positional[0].asString();
        if (format.empty()) return jinja::Value("");
        for (size_t size = 256; size <= 65536; size *= 4) {
            std::string out(size, '\0');
            const size_t n = std::strftime(out.data(), out.size(), format.c_str(), &moment);
            if (n > 0) {
                out.resize(n);
                return jinja::Value(out);
            }
        }
        jinja::fail("strftime_now() produced no output for the format '" + format + "'");
    });
}

jinja::Value messagesValue(const std::vector<ChatMessage>& messages) {
    std::vector<jinja::Value> items;
    items.reserve(messages.size());
    for (const auto& m : messages) {
        jinja::Value d = jinja::Value::dict();
        d.asDict().set(jinja::Value("role"), jinja::Value(m.role));
        d.asDict().set(jinja::Value("content"), jinja::Value(m.content));
        items.push_back(std::move(d));
    }
    return jinja::Value::list(std::move(items));
}

std::string lowerAscii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool contains(const std::string& haystack, std::string_view needle) { return haystack.find(needle) != std::string::npos; }

}  // namespace

std::string_view chatFamilyName(ChatFamily family) { return familyInfo(family).name; }
std::string_view fallbackTemplateSource(ChatFamily family) { return familyInfo(family).source; }

std::optional<ChatFamily> chatFamilyFromName(std::string_view name) {
    const std::string lowered = lowerAscii(std::string(name));
    for (const auto& f : k_families)
        if (f.name == lowered) return f.family;
    return std::nullopt;
}

std::string chatFamilyNames() {
    std::string out;
    for (const auto& f : k_families) out += (out.empty() ? "" : ", ") + std::string(f.name);
    return out;
}

Result<Date> parseDate(std::string_view text) {
    int y = 0, m = 0, d = 0;
    const bool shape = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                       std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == '-'; });
    if (shape) {
        y = std::stoi(std::string(text.substr(0, 4)));
        m = std::stoi(std::string(text.substr(5, 2)));
        d = std::stoi(std::string(text.substr(8, 2)));
    }
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (!shape || y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1] + (m == 2 && leap ? 1 : 0))
        return makeError("'" + std::string(text) + "' is not a valid date: use YYYY-MM-DD, e.g. 2024-07-26");
    return Date{y, m, d};
}

Result<ChatTemplate> ChatTemplate::fromSource(std::string source, std::string origin) {
    auto parsed = jinja::Template::parse(source);
    if (!parsed) return makeError(origin + ": " + parsed.error().message);
    ChatTemplate t;
    t.m_source = std::move(source);
    t.m_origin = std::move(origin);
    t.m_template = std::move(*parsed);
    return t;
}

ChatTemplate ChatTemplate::fallback(ChatFamily family) {
    auto t = fromSource(std::string(fallbackTemplateSource(family)),
                        "the built-in " + std::string(chatFamilyName(family)) + " template");
    assert(t.ok() && "built-in chat templates must parse");
    return std::move(*t);
}

Result<std::string> renderChat(const ChatTemplate& chatTemplate, const std::vector<ChatMessage>& messages,
                               const RenderOptions& options, jinja::TemplateFailure* failure) {
    jinja::Variables variables = {
        {"messages", messagesValue(messages)},
        {"add_generation_prompt", jinja::Value(options.addGenerationPrompt)},
        {"bos_token", jinja::Value(options.bosToken)},
        {"eos_token", jinja::Value(options.eosToken)},
        {"raise_exception", jinja::Value::function([](const jinja::CallArgs& args) -> jinja::Value {
             jinja::fail(args.positional.empty() ? std::string() : args.positional[0].str(), jinja::FailureKind::Raised);
         })},
        {"strftime_now", strftimeFunction(options.date)},
    };
    for (const auto& extra : options.extraVariables) variables.push_back(extra);
    jinja::TemplateFailure details;
    auto rendered = chatTemplate.compiled().render(variables, options.limits, &details);
    if (rendered) return rendered;
    if (failure) *failure = details;
    const std::string where = details.line > 0 ? " (" + chatTemplate.origin() + ", line " + std::to_string(details.line) +
                                                     ", column " + std::to_string(details.column) + ")"
                                               : " (" + chatTemplate.origin() + ")";
    if (details.kind == jinja::FailureKind::Raised) return makeError(details.message + where);
    return makeError("chat template error: " + details.message + where);
}

namespace {

jinja::Value valueFromJson(const nlohmann::ordered_json& j) {
    switch (j.type()) {
        case nlohmann::ordered_json::value_t::null: return jinja::Value(nullptr);
        case nlohmann::ordered_json::value_t::boolean: return jinja::Value(j.get<bool>());
        case nlohmann::ordered_json::value_t::number_integer: return jinja::Value(j.get<int64_t>());
        case nlohmann::ordered_json::value_t::number_unsigned:
            if (j.get<uint64_t>() > uint64_t(INT64_MAX)) return jinja::Value(j.get<double>());
            return jinja::Value(int64_t(j.get<uint64_t>()));
        case nlohmann::ordered_json::value_t::number_float: return jinja::Value(j.get<double>());
        case nlohmann::ordered_json::value_t::string: return jinja::Value(j.get<std::string>());
        case nlohmann::ordered_json::value_t::array: {
            std::vector<jinja::Value> items;
            for (const auto& item : j) items.push_back(valueFromJson(item));
            return jinja::Value::list(std::move(items));
        }
        case nlohmann::ordered_json::value_t::object: {
            jinja::Value d = jinja::Value::dict();
            for (const auto& [k, v] : j.items()) d.asDict().set(jinja::Value(k), valueFromJson(v));
            return d;
        }
        default: return jinja::Value(nullptr);
    }
}

}  // namespace

Result<jinja::Value> jsonToValue(std::string_view json) {
    auto parsed = nlohmann::ordered_json::parse(json.begin(), json.end(), nullptr, false);
    if (parsed.is_discarded()) return makeError("not valid JSON");
    return valueFromJson(parsed);
}

Result<std::vector<ChatMessage>> parseConversationJson(std::string_view json) {
    nlohmann::json parsed = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
    if (parsed.is_discarded()) return makeError("the conversation is not valid JSON");
    if (!parsed.is_array()) return makeError("the conversation must be a JSON array of {\"role\", \"content\"} objects");
    std::vector<ChatMessage> messages;
    for (size_t i = 0; i < parsed.size(); ++i) {
        const auto& m = parsed[i];
        const std::string where = "message " + std::to_string(i + 1);
        if (!m.is_object()) return makeError(where + " is not an object");
        if (!m.contains("role") || !m["role"].is_string()) return makeError(where + " has no string \"role\"");
        if (!m.contains("content") || !m["content"].is_string())
            return makeError(where + " has no string \"content\" (only text messages are supported)");
        messages.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
    }
    return messages;
}

ChatFamily guessChatFamily(const GgufFile& file) {
    auto tokens = file.getStringArray("tokenizer.ggml.tokens");
    const auto hasToken = [&](std::string_view text) {
        return tokens && std::find(tokens->begin(), tokens->end(), text) != tokens->end();
    };
    const std::string name = lowerAscii(file.getString("general.name").ok() ? *file.getString("general.name") : "");
    const std::string arch =
        lowerAscii(file.getString("general.architecture").ok() ? *file.getString("general.architecture") : "");
    if (contains(name, "zephyr")) return ChatFamily::Zephyr;
    if (hasToken("<|start_header_id|>")) return ChatFamily::Llama3;
    if (hasToken("<|im_start|>")) return ChatFamily::ChatML;
    if (hasToken("<start_of_turn>") || contains(arch, "gemma") || contains(name, "gemma")) return ChatFamily::Gemma;
    if ((hasToken("<|end|>") && hasToken("<|assistant|>")) || arch == "phi3" || contains(name, "phi-3") ||
        contains(name, "phi3"))
        return ChatFamily::Phi3;
    if (contains(name, "mistral") || contains(name, "mixtral")) return ChatFamily::Mistral;
    if (contains(name, "llama-3") || contains(name, "llama 3") || contains(name, "llama3")) return ChatFamily::Llama3;
    if (arch == "llama") return ChatFamily::Llama2;
    return ChatFamily::ChatML;
}

std::vector<ChatMessage> foldSystemPrompt(const std::vector<ChatMessage>& conversation) {
    if (conversation.empty() || conversation.front().role != "system") return conversation;
    const std::string& system = conversation.front().content;
    std::vector<ChatMessage> folded(conversation.begin() + 1, conversation.end());
    auto firstUser = std::find_if(folded.begin(), folded.end(), [](const ChatMessage& m) { return m.role == "user"; });
    if (firstUser == folded.end()) {
        folded.insert(folded.begin(), ChatMessage{"user", system});
    } else if (!system.empty()) {
        firstUser->content = firstUser->content.empty() ? system : system + "\n\n" + firstUser->content;
    }
    return folded;
}

ChatFormatter::ChatFormatter(ChatTemplate chatTemplate, std::string bosToken, std::string eosToken, bool foldSystem)
    : m_template(std::move(chatTemplate)), m_foldSystemPrompt(foldSystem) {
    m_options.bosToken = std::move(bosToken);
    m_options.eosToken = std::move(eosToken);
}

Result<ChatFormatter> ChatFormatter::forModel(const GgufFile& file, const Options& options) {
    std::string bos, eos;
    if (auto tokens = file.getStringArray("tokenizer.ggml.tokens")) {
        const auto text = [&](std::string_view key) {
            auto id = file.getUInt(key);
            return id && *id < tokens->size() ? (*tokens)[size_t(*id)] : std::string();
        };
        bos = text("tokenizer.ggml.bos_token_id");
        eos = text("tokenizer.ggml.eos_token_id");
    }
    if (options.templateSource) {
        auto t = ChatTemplate::fromSource(*options.templateSource, "the given template");
        if (!t) return t.error();
        return ChatFormatter(std::move(*t), bos, eos, options.foldSystemPrompt);
    }
    if (options.family) return ChatFormatter(ChatTemplate::fallback(*options.family), bos, eos, options.foldSystemPrompt);
    auto own = file.getOptional<std::string>("tokenizer.chat_template", &GgufFile::getString);
    if (!own) return own.error();
    if (*own && !(*own)->empty()) {
        auto t = ChatTemplate::fromSource(**own, "the model's chat template");
        if (!t)
            return makeError(t.error().message + "; choose a built-in template instead (" + chatFamilyNames() + ")");
        return ChatFormatter(std::move(*t), bos, eos, options.foldSystemPrompt);
    }
    return ChatFormatter(ChatTemplate::fallback(guessChatFamily(file)), bos, eos, options.foldSystemPrompt);
}

Result<std::string> ChatFormatter::format(const std::vector<ChatMessage>& conversation, bool addGenerationPrompt) const {
    RenderOptions options = m_options;
    options.addGenerationPrompt = addGenerationPrompt;
    jinja::TemplateFailure failure;
    auto rendered = renderChat(m_template, conversation, options, &failure);
    const bool hasSystem = !conversation.empty() && conversation.front().role == "system";
    if (!m_foldSystemPrompt || !hasSystem) return rendered;
    const std::string system = jinja::stripString(conversation.front().content, true, true);
    const bool rejected = !rendered && failure.kind == jinja::FailureKind::Raised;
    const bool dropped = rendered && !system.empty() && rendered->find(system) == std::string::npos;
    if (!rejected && !dropped) return rendered;
    auto folded = renderChat(m_template, foldSystemPrompt(conversation), options);
    return folded ? folded : rendered;
}

}  // namespace confidant::inference::chat
