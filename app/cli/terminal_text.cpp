// terminalSafe(): one pass, validating UTF-8 as it goes.
#include "cli/terminal_text.h"

namespace confidant::cli {

namespace {

void appendEscape(std::string& out, const char* prefix, unsigned value, int digits) {
    static const char hex[] = "0123456789abcdef";
    out += prefix;
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex[(value >> shift) & 0xf];
}

// The length of the valid UTF-8 sequence at `i` (1 to 4), or 0.
size_t utf8Length(std::string_view text, size_t i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (length == 0 || i + length > text.size()) return 0;
    unsigned code = length == 1 ? c : c & (0xff >> (length + 1));
    for (size_t k = 1; k < length; ++k) {
        const unsigned char next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xc0) != 0x80) return 0;
        code = (code << 6) | (next & 0x3f);
    }
    static const unsigned minimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < minimum[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;  // overlong, surrogate
    return length;
}

}  // namespace

std::string terminalSafe(std::string_view text, LineBreaks lineBreaks) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '\n' || c == '\t' || c == '\r') {
            if (lineBreaks == LineBreaks::Keep && c != '\r') out += char(c);
            else if (c == '\r' && lineBreaks == LineBreaks::Keep) appendEscape(out, "\\x", c, 2);
            else out += ' ';
            ++i;
            continue;
        }
        if (c < 0x20 || c == 0x7f) {
            appendEscape(out, "\\x", c, 2);
            ++i;
            continue;
        }
        const size_t length = utf8Length(text, i);
        if (length == 0) {
            appendEscape(out, "\\x", c, 2);  // not UTF-8: a lone 0x9b would be a CSI to some terminals
            ++i;
            continue;
        }
        if (length == 2 && c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
            appendEscape(out, "\\u00", static_cast<unsigned char>(text[i + 1]), 2);  // C1 controls
            i += 2;
            continue;
        }
        out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

void printSafe(std::FILE* out, std::string_view text, LineBreaks lineBreaks) {
    const std::string safe = terminalSafe(text, lineBreaks);
    std::fwrite(safe.data(), 1, safe.size(), out);
}

}  // namespace confidant::cli
