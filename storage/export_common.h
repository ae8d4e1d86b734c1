// Internal: what the readable exports (Markdown, HTML, text) share: labels and the one-line
// summary of a reply's statistics.
#pragma once

#include <string>

#include "store_types.h"

namespace confidant::storage::detail {

std::string roleLabel(Role role);  // "You", "Assistant", "System", "Tool"
// "model.gguf · 42 tokens · 18.3 tokens/s · stopped at the length limit"; empty for a message
// without statistics.
std::string replySummary(const Message& message);
std::string titleOrDefault(const Conversation& conversation);

}  // namespace confidant::storage::detail
