// The compute shaders compiled from shaders/*.comp at build time, embedded as SPIR-V words.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace confidant::shaders {

// The SPIR-V of the shader built from `<name>.comp`; empty when there is no such shader.
std::span<const uint32_t> find(std::string_view name);

// Names of all embedded shaders.
std::vector<std::string_view> names();

}  // namespace confidant::shaders
