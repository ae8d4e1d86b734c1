// Options of the commands that turn a conversation file into a prompt through the engine's one
// conversation -> prompt path (inference/chat/conversation_prompt.h): --messages, --template,
// --template-file and --overflow.
#pragma once

#include <string>
#include <vector>

#include "chat/conversation_prompt.h"
#include "cli/arguments.h"

namespace confidant::cli {

// A JSON array of {"role", "content"} objects read from `path`.
Result<std::vector<inference::chat::ChatMessage>> readConversationFile(const std::string& path);

// --template NAME and --template-file F (at most one).
Result<inference::chat::ChatFormatterOptions> templateOptions(Arguments& args);

// --overflow drop|stop (default: drop, as in the app).
Result<inference::chat::ContextOverflow> overflowOption(Arguments& args);

}  // namespace confidant::cli
