// Who wrote a message and why a reply ended: one definition for the engine, the store, the app
// and the CLI, with the names used in files, the database and the API.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace confidant {

enum class Role { System, User, Assistant, Tool };

// Why a reply ended. None: not a reply (or not recorded). ContextFull: the context window had no
// room for another token. Error: generation failed (the message keeps the error text).
// Interrupted: set by the store for a reply still streaming when the program stopped.
enum class FinishReason { None, Stop, Length, ContextFull, Cancelled, Error, Interrupted };

namespace detail {
inline constexpr std::array<const char*, 4> k_roleNames = {"system", "user", "assistant", "tool"};
inline constexpr std::array<const char*, 7> k_finishReasonNames = {"",          "stop",  "length",     "context_full",
                                                                   "cancelled", "error", "interrupted"};
}  // namespace detail

// "system", "user", "assistant", "tool" (NUL-terminated: usable with printf's %s).
constexpr const char* roleName(Role role) {
    return size_t(role) < detail::k_roleNames.size() ? detail::k_roleNames[size_t(role)] : "unknown";
}
constexpr std::optional<Role> roleFromName(std::string_view name) {
    for (size_t i = 0; i < detail::k_roleNames.size(); ++i)
        if (detail::k_roleNames[i] == name) return Role(i);
    return std::nullopt;
}

// "" for None, then "stop", "length", "context_full", "cancelled", "error", "interrupted".
constexpr const char* finishReasonName(FinishReason reason) {
    return size_t(reason) < detail::k_finishReasonNames.size() ? detail::k_finishReasonNames[size_t(reason)] : "unknown";
}
constexpr std::optional<FinishReason> finishReasonFromName(std::string_view name) {
    for (size_t i = 0; i < detail::k_finishReasonNames.size(); ++i)
        if (detail::k_finishReasonNames[i] == name) return FinishReason(i);
    return std::nullopt;
}

}  // namespace confidant
