// The template lexer. It follows Jinja2's lexer rules (newline normalisation, the trailing newline,
// tag ends found only when brackets balance) so that whitespace comes out byte-identical.
#include "chat/jinja_lexer.h"

#include <algorithm>
#include <cstdlib>

#include "chat/jinja_error.h"
#include "chat/jinja_text.h"

namespace confidant::inference::jinja {
namespace {

bool isAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool isNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool isNameChar(char c) { return isNameStart(c) || (c >= '0' && c <= '9'); }
bool isDigitChar(char c) { return c >= '0' && c <= '9'; }

// Length of the Unicode whitespace run at `pos` (Python's \s*).
size_t spaceRun(std::string_view s, size_t pos) {
    size_t p = pos;
    while (p < s.size()) {
        if (isAsciiSpace(s[p]) || (s[p] >= 0x1c && s[p] <= 0x1f)) {
            ++p;
            continue;
        }
        const auto b = static_cast<unsigned char>(s[p]);
        if (b < 0x80) break;
        size_t len = (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 1;
        const std::u32string cp = decodeUtf8(s.substr(p, len));
        if (cp.size() != 1 || !isPythonSpace(cp[0])) break;
        p += len;
    }
    return p - pos;
}

class Lexer {
public:
    Lexer(std::string source, const LexOptions& options) : m_src(std::move(source)), m_options(options) {
        m_lineStarts.push_back(0);
        for (size_t i = 0; i < m_src.size(); ++i)
            if (m_src[i] == '\n') m_lineStarts.push_back(i + 1);
    }

    std::vector<Token> run() {
        size_t pos = 0;
        while (pos < m_src.size()) {
            const size_t tag = findTagStart(pos);
            if (tag == std::string::npos) {
                emitText(pos, m_src.substr(pos));
                break;
            }
            const char kind = m_src[tag + 1];
            const char sign = tag + 2 < m_src.size() && (m_src[tag + 2] == '-' || m_src[tag + 2] == '+') ? m_src[tag + 2] : 0;
            size_t rawBodyStart = 0;
            const bool raw = kind == '%' && matchRawBegin(tag, rawBodyStart);
            emitText(pos, leadingText(pos, tag, sign, kind != '{'));
            if (raw) {
                pos = lexRaw(tag, rawBodyStart);
            } else if (kind == '#') {
                pos = skipComment(tag, sign ? tag + 3 : tag + 2);
            } else {
                pos = lexTag(tag, sign ? tag + 3 : tag + 2, kind == '%');
            }
        }
        Token end;
        end.kind = TokenKind::End;
        position(m_src.size(), end);
        m_tokens.push_back(end);
        return std::move(m_tokens);
    }

private:
    size_t findTagStart(size_t from) const {
        size_t p = from;
        while ((p = m_src.find('{', p)) != std::string::npos) {
            if (p + 1 < m_src.size() && (m_src[p + 1] == '{' || m_src[p + 1] == '%' || m_src[p + 1] == '#')) return p;
            ++p;
        }
        return std::string::npos;
    }

    // The text between `from` and a tag at `tag`, after the tag's whitespace control.
    std::string leadingText(size_t from, size_t tag, char sign, bool lstripApplies) const {
        std::string text = m_src.substr(from, tag - from);
        if (sign == '-') return stripString(text, false, true);
        if (sign != '+' && m_options.lstripBlocks && lstripApplies) {
            const size_t nl = text.rfind('\n');
            const size_t lineStart = nl == std::string::npos ? 0 : nl + 1;
            const bool lineStarting = from == 0 || m_src[from - 1] == '\n';
            if ((lineStart > 0 || lineStarting) && lineStart < text.size() &&
                spaceRun(text, lineStart) == text.size() - lineStart)
                text.resize(lineStart);
        }
        return text;
    }

    void emitText(size_t offset, std::string text) {
        if (text.empty()) return;
        Token t;
        t.kind = TokenKind::Text;
        t.text = std::move(text);
        position(offset, t);
        m_tokens.push_back(std::move(t));
    }

    // After a block or comment end marker: `+` keeps, `-` strips whitespace, else trim_blocks.
    size_t afterBlockEnd(size_t p, char marker) const {
        if (marker == '-') return p + spaceRun(m_src, p);
        if (marker == '+') return p;
        if (m_options.trimBlocks && p < m_src.size() && m_src[p] == '\n') return p + 1;
        return p;
    }

    size_t skipComment(size_t tag, size_t bodyStart) {
        const size_t end = m_src.find("#}", bodyStart);
        if (end == std::string::npos) syntaxError(tag, "missing end of comment tag '#}'");
        const char marker = end > bodyStart && (m_src[end - 1] == '-' || m_src[end - 1] == '+') ? m_src[end - 1] : 0;
        return afterBlockEnd(end + 2, marker);
    }

    // `{%[-+]? raw [-]%}`: sets the body start when the tag at `tag` opens a raw block.
    bool matchRawBegin(size_t tag, size_t& bodyStart) const {
        size_t p = tag + 2;
        if (p < m_src.size() && (m_src[p] == '-' || m_src[p] == '+')) ++p;
        p += spaceRun(m_src, p);
        if (m_src.compare(p, 3, "raw") != 0 || (p + 3 < m_src.size() && isNameChar(m_src[p + 3]))) return false;
        p += 3;
        p += spaceRun(m_src, p);
        if (m_src.compare(p, 3, "-%}") == 0) {
            bodyStart = p + 3 + spaceRun(m_src, p + 3);
            return true;
        }
        if (m_src.compare(p, 2, "%}") == 0) {
            bodyStart = p + 2;
            return true;
        }
        return false;
    }

    size_t lexRaw(size_t tag, size_t bodyStart) {
        size_t search = bodyStart;
        while (true) {
            const size_t open = m_src.find("{%", search);
            if (open == std::string::npos) syntaxError(tag, "missing end of raw directive '{% endraw %}'");
            size_t p = open + 2;
            char sign = 0;
            if (p < m_src.size() && (m_src[p] == '-' || m_src[p] == '+')) sign = m_src[p++];
            p += spaceRun(m_src, p);
            if (m_src.compare(p, 6, "endraw") == 0 && !(p + 6 < m_src.size() && isNameChar(m_src[p + 6]))) {
                p += 6;
                p += spaceRun(m_src, p);
                char marker = 0;
                if (m_src.compare(p, 3, "+%}") == 0 || m_src.compare(p, 3, "-%}") == 0) {
                    marker = m_src[p];
                    p += 3;
                } else if (m_src.compare(p, 2, "%}") == 0) {
                    p += 2;
                } else {
                    search = open + 2;
                    continue;
                }
                emitText(bodyStart, leadingText(bodyStart, open, sign, true));
                return afterBlockEnd(p, marker);
            }
            search = open + 2;
        }
    }

    size_t lexTag(size_t tag, size_t p, bool block) {
        Token begin;
        begin.kind = block ? TokenKind::BlockBegin : TokenKind::VariableBegin;
        position(tag, begin);
        m_tokens.push_back(begin);
        std::vector<char> balance;
        while (true) {
            if (balance.empty()) {
                if (block) {
                    if (m_src.compare(p, 3, "+%}") == 0 || m_src.compare(p, 3, "-%}") == 0)
                        return closeTag(p, 3, m_src[p], TokenKind::BlockEnd);
                    if (m_src.compare(p, 2, "%}") == 0) return closeTag(p, 2, 0, TokenKind::BlockEnd);
                } else {
                    // trim_blocks does not apply to expression tags: '+' keeps what follows.
                    if (m_src.compare(p, 3, "-}}") == 0) return closeTag(p, 3, '-', TokenKind::VariableEnd);
                    if (m_src.compare(p, 2, "}}") == 0) return closeTag(p, 2, '+', TokenKind::VariableEnd);
                }
            }
            if (p >= m_src.size())
                syntaxError(tag, block ? "unexpected end of template: the block tag is not closed with '%}'"
                                       : "unexpected end of template: the expression is not closed with '}}'");
            const size_t spaces = spaceRun(m_src, p);
            if (spaces) {
                p += spaces;
                continue;
            }
            p = lexToken(p, balance);
        }
    }

    size_t closeTag(size_t p, size_t length, char marker, TokenKind kind) {
        Token end;
        end.kind = kind;
        position(p, end);
        m_tokens.push_back(end);
        return afterBlockEnd(p + length, marker);
    }

    size_t lexToken(size_t p, std::vector<char>& balance) {
        Token t;
        position(p, t);
        const char c = m_src[p];
        if (isDigitChar(c)) return lexNumber(p, t);
        if (isNameStart(c)) {
            size_t e = p;
            while (e < m_src.size() && isNameChar(m_src[e])) ++e;
            t.kind = TokenKind::Name;
            t.text = m_src.substr(p, e - p);
            m_tokens.push_back(std::move(t));
            return e;
        }
        if (c == '\'' || c == '"') return lexString(p, t);
        static const char* const twoChar[] = {"//", "**", "==", "!=", ">=", "<="};
        for (const char* op : twoChar) {
            if (m_src.compare(p, 2, op) == 0) {
                t.kind = TokenKind::Operator;
                t.text = op;
                m_tokens.push_back(std::move(t));
                return p + 2;
            }
        }
        if (std::string_view("+-/*%~[](){}<>=.:|,;").find(c) == std::string_view::npos)
            syntaxError(p, std::string("unexpected character '") + c + "'");
        if (c == '(' || c == '[' || c == '{') {
            balance.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
        } else if (c == ')' || c == ']' || c == '}') {
            if (balance.empty()) syntaxError(p, std::string("unexpected '") + c + "'");
            if (balance.back() != c) syntaxError(p, std::string("unexpected '") + c + "', expected '" + balance.back() + "'");
            balance.pop_back();
        }
        t.kind = TokenKind::Operator;
        t.text = std::string(1, c);
        m_tokens.push_back(std::move(t));
        return p + 1;
    }

    size_t digitsWithUnderscores(size_t p, std::string& out) const {
        while (p < m_src.size() && (isDigitChar(m_src[p]) || (m_src[p] == '_' && p + 1 < m_src.size() && isDigitChar(m_src[p + 1])))) {
            if (m_src[p] != '_') out += m_src[p];
            ++p;
        }
        return p;
    }

    size_t lexNumber(size_t p, Token& t) {
        std::string digits;
        size_t e = digitsWithUnderscores(p, digits);
        bool isFloat = false;
        const bool afterDot = p > 0 && m_src[p - 1] == '.';
        if (!afterDot && e + 1 < m_src.size() && m_src[e] == '.' && isDigitChar(m_src[e + 1])) {
            digits += '.';
            e = digitsWithUnderscores(e + 1, digits);
            isFloat = true;
        }
        if (!afterDot && e < m_src.size() && (m_src[e] == 'e' || m_src[e] == 'E')) {
            size_t q = e + 1;
            std::string exp = "e";
            if (q < m_src.size() && (m_src[q] == '+' || m_src[q] == '-')) exp += m_src[q++];
            if (q < m_src.size() && isDigitChar(m_src[q])) {
                e = digitsWithUnderscores(q, exp);
                digits += exp;
                isFloat = true;
            }
        }
        if (isFloat) {
            t.kind = TokenKind::Float;
            t.floatValue = std::strtod(digits.c_str(), nullptr);
        } else {
            t.kind = TokenKind::Integer;
            errno = 0;
            t.intValue = std::strtoll(digits.c_str(), nullptr, 10);
            if (errno == ERANGE) syntaxError(p, "integer literal " + digits + " is too large");
        }
        t.text = digits;
        m_tokens.push_back(std::move(t));
        return e;
    }

    static int hexValue(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // Python string-literal escapes (Jinja2 decodes literals with "unicode-escape").
    size_t lexString(size_t p, Token& t) {
        const char quote = m_src[p];
        std::string out;
        size_t i = p + 1;
        while (true) {
            if (i >= m_src.size()) syntaxError(p, "unterminated string literal");
            const char c = m_src[i];
            if (c == quote) break;
            if (c != '\\') {
                out += c;
                ++i;
                continue;
            }
            if (i + 1 >= m_src.size()) syntaxError(p, "unterminated string literal");
            const char e = m_src[i + 1];
            i += 2;
            switch (e) {
                case '\n': break;
                case '\\': out += '\\'; break;
                case '\'': out += '\''; break;
                case '"': out += '"'; break;
                case 'a': out += '\a'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'v': out += '\v'; break;
                case 'x': case 'u': case 'U': {
                    const int width = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    char32_t cp = 0;
                    for (int k = 0; k < width; ++k) {
                        const int h = i + size_t(k) < m_src.size() ? hexValue(m_src[i + size_t(k)]) : -1;
                        if (h < 0) syntaxError(p, std::string("truncated \\") + e + " escape in a string literal");
                        cp = cp * 16 + char32_t(h);
                    }
                    if (cp > 0x10ffff) syntaxError(p, "illegal Unicode character in a string literal");
                    appendUtf8(out, cp);
                    i += size_t(width);
                    break;
                }
                default:
                    if (e >= '0' && e <= '7') {
                        char32_t cp = char32_t(e - '0');
                        for (int k = 0; k < 2 && i < m_src.size() && m_src[i] >= '0' && m_src[i] <= '7'; ++k)
                            cp = cp * 8 + char32_t(m_src[i++] - '0');
                        appendUtf8(out, cp);
                    } else {
                        out += '\\';
                        out += e;
                    }
            }
        }
        t.kind = TokenKind::String;
        t.text = std::move(out);
        m_tokens.push_back(std::move(t));
        return i + 1;
    }

    // Tokens arrive in source order, so the column is counted on from the previous position.
    void position(size_t offset, Token& t) const {
        const auto it = std::upper_bound(m_lineStarts.begin(), m_lineStarts.end(), offset);
        const size_t lineStart = *(it - 1);
        t.line = int(it - m_lineStarts.begin());
        if (m_lastOffset < lineStart || m_lastOffset > offset) {
            m_lastOffset = lineStart;
            m_lastColumn = 1;
        }
        m_lastColumn += int(codePointCount(std::string_view(m_src).substr(m_lastOffset, offset - m_lastOffset)));
        m_lastOffset = offset;
        t.column = m_lastColumn;
    }

    [[noreturn]] void syntaxError(size_t offset, std::string message) const {
        Token t;
        position(offset, t);
        throw TemplateFailure{FailureKind::Syntax, std::move(message), t.line, t.column};
    }

    std::string m_src;
    LexOptions m_options;
    std::vector<size_t> m_lineStarts;
    std::vector<Token> m_tokens;
    mutable size_t m_lastOffset = 0;
    mutable int m_lastColumn = 1;
};

std::string normalizeNewlines(std::string_view source, bool keepTrailingNewline) {
    std::string out;
    out.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
        if (source[i] == '\r') {
            out += '\n';
            if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
        } else {
            out += source[i];
        }
    }
    if (!keepTrailingNewline && !out.empty() && out.back() == '\n') out.pop_back();
    return out;
}

}  // namespace

std::vector<Token> tokenize(std::string_view source, const LexOptions& options) {
    return Lexer(normalizeNewlines(source, options.keepTrailingNewline), options).run();
}

}  // namespace confidant::inference::jinja
