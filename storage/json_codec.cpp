// Sampler and generation settings as JSON; unset values are left out rather than written as null.
#include "json_codec.h"

namespace confidant::storage::detail {

using nlohmann::json;

namespace {

template <typename T>
void put(json& object, const char* key, const std::optional<T>& value) {
    if (value) object[key] = *value;
}

bool getDouble(const json& object, const char* key, std::optional<double>& out, std::string& problem) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return true;
    if (!it->is_number()) {
        problem = std::string(key) + ": expected a number";
        return false;
    }
    out = it->get<double>();
    return true;
}

bool getInt(const json& object, const char* key, std::optional<int64_t>& out, std::string& problem) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return true;
    if (!it->is_number_integer()) {
        problem = std::string(key) + ": expected an integer";
        return false;
    }
    out = it->get<int64_t>();
    return true;
}

}  // namespace

json samplerToJson(const SamplerSettings& s) {
    json object = json::object();
    put(object, "temperature", s.temperature);
    put(object, "top_k", s.topK);
    put(object, "top_p", s.topP);
    put(object, "min_p", s.minP);
    put(object, "repeat_penalty", s.repeatPenalty);
    put(object, "repeat_last_n", s.repeatLastN);
    put(object, "seed", s.seed);
    return object;
}

json settingsToJson(const GenerationSettings& s) {
    json object = json::object();
    object["sampler"] = samplerToJson(s.sampler);
    put(object, "context_size", s.contextSize);
    put(object, "max_tokens", s.maxTokens);
    return object;
}

bool samplerFromJson(const json& value, SamplerSettings& s, std::string& problem) {
    if (!value.is_object()) {
        problem = "expected an object";
        return false;
    }
    return getDouble(value, "temperature", s.temperature, problem) && getInt(value, "top_k", s.topK, problem) &&
           getDouble(value, "top_p", s.topP, problem) && getDouble(value, "min_p", s.minP, problem) &&
           getDouble(value, "repeat_penalty", s.repeatPenalty, problem) &&
           getInt(value, "repeat_last_n", s.repeatLastN, problem) && getInt(value, "seed", s.seed, problem);
}

bool settingsFromJson(const json& value, GenerationSettings& s, std::string& problem) {
    if (!value.is_object()) {
        problem = "expected an object";
        return false;
    }
    if (auto it = value.find("sampler"); it != value.end() && !it->is_null()) {
        if (!samplerFromJson(*it, s.sampler, problem)) {
            problem = "sampler." + problem;
            return false;
        }
    }
    return getInt(value, "context_size", s.contextSize, problem) && getInt(value, "max_tokens", s.maxTokens, problem);
}

std::string samplerToText(const SamplerSettings& sampler) { return samplerToJson(sampler).dump(); }

SamplerSettings samplerFromText(std::string_view text) {
    SamplerSettings sampler;
    json value = json::parse(text, nullptr, false);
    std::string problem;
    if (value.is_discarded() || !samplerFromJson(value, sampler, problem)) return {};
    return sampler;
}

std::string settingsToText(const GenerationSettings& settings) { return settingsToJson(settings).dump(); }

GenerationSettings settingsFromText(std::string_view text) {
    GenerationSettings settings;
    json value = json::parse(text, nullptr, false);
    std::string problem;
    if (value.is_discarded() || !settingsFromJson(value, settings, problem)) return {};
    return settings;
}

}  // namespace confidant::storage::detail
