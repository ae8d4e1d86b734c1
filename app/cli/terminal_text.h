// Text from data (titles, messages, search snippets, model metadata) made safe to print on a
// terminal: a stored title must not be able to move the cursor, retitle the window or hide
// itself behind a NUL (issue #18). Control characters (C0, DEL, C1) and bytes that are not UTF-8
// are shown as visible escapes ("\x1b", "\u009b"); everything else passes unchanged.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace confidant::cli {

enum class LineBreaks { Keep, AsSpace };

std::string terminalSafe(std::string_view text, LineBreaks lineBreaks = LineBreaks::AsSpace);
// Writes `text` whole (NUL bytes included, as escapes) to `out`.
void printSafe(std::FILE* out, std::string_view text, LineBreaks lineBreaks = LineBreaks::AsSpace);

}  // namespace confidant::cli
