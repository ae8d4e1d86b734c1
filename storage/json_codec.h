// Internal: settings and reply metadata to and from JSON objects, shared by the database columns
// (settings, sampler) and the export format so both spell the keys the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "store_types.h"

namespace confidant::storage::detail {

nlohmann::json samplerToJson(const SamplerSettings& sampler);
nlohmann::json settingsToJson(const GenerationSettings& settings);

// Strict readers for imports: on a wrong type they return false and set `problem` to
// "<key>: expected ..." for the caller to prefix with its place in the file.
bool samplerFromJson(const nlohmann::json& value, SamplerSettings& sampler, std::string& problem);
bool settingsFromJson(const nlohmann::json& value, GenerationSettings& settings, std::string& problem);

// Columns: compact JSON text; a column that does not parse reads as empty settings.
std::string samplerToText(const SamplerSettings& sampler);
SamplerSettings samplerFromText(std::string_view text);
std::string settingsToText(const GenerationSettings& settings);
GenerationSettings settingsFromText(std::string_view text);

}  // namespace confidant::storage::detail
