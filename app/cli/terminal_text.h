// Text from files (model metadata, token texts, messages that quote them) made safe to print on a
// terminal: control characters, ESC included, would otherwise let a crafted file move the cursor,
// rewrite earlier lines, change the window title or worse.
#pragma once

#include <string>
#include <string_view>

namespace confidant::cli {

// Replaces each C0 control character (below 0x20, except a tab and, when `keepNewlines`, a
// newline), DEL and each UTF-8 encoded C1 control (U+0080-U+009F) with a visible "\xNN" escape
// (the C1 ones as "\u0080"...); everything else is kept as is.
std::string terminalSafe(std::string_view text, bool keepNewlines = false);

}  // namespace confidant::cli
