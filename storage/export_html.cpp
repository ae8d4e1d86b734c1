// HTML export: one self-contained page (inline stylesheet, no scripts, no external resources)
// that prints well. Text is escaped; fenced code blocks become <pre><code> with their text kept
// exactly, inline `code` becomes <code>, blank lines separate paragraphs.
#include "export.h"
#include "export_common.h"
#include "message_tree.h"

namespace confidant::storage {

namespace {

constexpr std::string_view k_style = R"css(
:root { color-scheme: light dark; }
body { font: 16px/1.55 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
header { border-bottom: 1px solid #8884; margin-bottom: 1.5rem; }
header p { color: #666; font-size: 0.9rem; margin: 0.2rem 0; }
.message { margin: 1.2rem 0; padding: 0.8rem 1rem; border-radius: 0.5rem; break-inside: avoid-page; }
.user { background: #2f6feb14; }
.assistant { background: #8881; }
.system, .tool { background: #d9a40014; }
.role { font-weight: 600; font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.04em; }
.version, .stats { color: #666; font-size: 0.8rem; font-weight: normal; }
pre { background: #0001; border: 1px solid #8884; border-radius: 0.4rem; padding: 0.7rem; overflow-x: auto;
      white-space: pre-wrap; word-break: break-word; }
code { font: 0.9em ui-monospace, monospace; }
@media print { body { max-width: none; margin: 0; } .message { border: 1px solid #ccc; } pre { white-space: pre-wrap; } }
)css";

void appendEscaped(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
}

// One paragraph's text: escaped, `inline code` marked, line breaks kept.
void appendInline(std::string& out, std::string_view text) {
    bool inCode = false;
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
        if (i < text.size() && text[i] != '`' && text[i] != '\n') continue;
        appendEscaped(out, text.substr(start, i - start));
        if (i < text.size()) {
            if (text[i] == '`') {
                out += inCode ? "</code>" : "<code>";
                inCode = !inCode;
            } else {
                out += "<br>\n";
            }
        }
        start = i + 1;
    }
    if (inCode) out += "</code>";
}

void appendParagraphs(std::string& out, std::string_view text) {
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find("\n\n", start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view paragraph = text.substr(start, end - start);
        while (!paragraph.empty() && paragraph.front() == '\n') paragraph.remove_prefix(1);
        while (!paragraph.empty() && paragraph.back() == '\n') paragraph.remove_suffix(1);
        if (!paragraph.empty()) {
            out += "<p>";
            appendInline(out, paragraph);
            out += "</p>\n";
        }
        start = end + 2;
    }
}

// Splits on lines that start with ``` (a fence); the text between an opening and a closing fence
// is code. An unclosed fence runs to the end, as Markdown renderers do.
void appendContent(std::string& out, std::string_view text) {
    std::string prose;
    std::string code;
    std::string language;
    bool inCode = false;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        std::string_view trimmed = line;
        while (!trimmed.empty() && trimmed.front() == ' ') trimmed.remove_prefix(1);
        if (trimmed.substr(0, 3) == "```") {
            if (!inCode) {
                appendParagraphs(out, prose);
                prose.clear();
                language = std::string(trimmed.substr(3));
                while (!language.empty() && (language.back() == ' ' || language.back() == '\r')) language.pop_back();
            } else {
                out += "<pre><code";
                if (!language.empty()) {
                    out += " class=\"language-";
                    appendEscaped(out, language);
                    out += "\"";
                }
                out += ">";
                appendEscaped(out, code);
                out += "</code></pre>\n";
                code.clear();
            }
            inCode = !inCode;
        } else if (inCode) {
            code.append(line).append("\n");
        } else {
            prose.append(line).append("\n");
        }
        if (end == text.size()) break;
        start = end + 1;
    }
    if (inCode) {
        out += "<pre><code>";
        appendEscaped(out, code);
        out += "</code></pre>\n";
    }
    appendParagraphs(out, prose);
}

const char* roleClass(Role role) {
    switch (role) {
    case Role::System: return "system";
    case Role::User: return "user";
    case Role::Assistant: return "assistant";
    case Role::Tool: return "tool";
    }
    return "message";
}

}  // namespace

std::string exportHtml(const ConversationData& data) {
    const Conversation& c = data.conversation;
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
    appendEscaped(out, detail::titleOrDefault(c));
    out += "</title>\n<style>";
    out += k_style;
    out += "</style>\n</head>\n<body>\n<header>\n<h1>";
    appendEscaped(out, detail::titleOrDefault(c));
    out += "</h1>\n<p>Created " + formatIsoTime(c.createdAt) + ", updated " + formatIsoTime(c.updatedAt) + "</p>\n";
    if (!c.modelRef.empty()) {
        out += "<p>Model: ";
        appendEscaped(out, c.modelRef);
        out += "</p>\n";
    }
    out += "</header>\n<main>\n";
    if (!c.systemPrompt.empty()) {
        out += "<section class=\"message system\">\n<div class=\"role\">System prompt</div>\n";
        appendContent(out, c.systemPrompt);
        out += "</section>\n";
    }
    for (const Message* m : selectedBranch(data)) {
        out += "<section class=\"message ";
        out += roleClass(m->role);
        out += "\">\n<div class=\"role\">" + detail::roleLabel(m->role);
        auto [position, count] = siblingPosition(data, *m);
        if (count > 1)
            out += " <span class=\"version\">version " + std::to_string(position) + " of " + std::to_string(count) + "</span>";
        out += "</div>\n";
        appendContent(out, m->content);
        std::string summary = detail::replySummary(*m);
        if (!summary.empty()) {
            out += "<div class=\"stats\">";
            appendEscaped(out, summary);
            out += "</div>\n";
        }
        out += "</section>\n";
    }
    out += "</main>\n</body>\n</html>\n";
    return out;
}

}  // namespace confidant::storage
