// HTML export: one self-contained page (inline stylesheet, no scripts, no external resources,
// and a Content-Security-Policy that forbids them) that prints well. What the model wrote is
// Markdown, rendered by md4c (docs/storage.md says why); what the user typed is shown as typed.
#include <md4c-html.h>

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
.typed { white-space: pre-wrap; overflow-wrap: anywhere; }
.markdown p { white-space: pre-line; }
table { border-collapse: collapse; } th, td { border: 1px solid #8886; padding: 0.2rem 0.5rem; }
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

// Typed text (what the user wrote, the system prompt): escaped and shown as typed, the
// stylesheet keeping its line breaks and indentation (white-space: pre-wrap).
void appendTyped(std::string& out, std::string_view text) {
    out += "<div class=\"typed\">";
    appendEscaped(out, text);
    out += "</div>\n";
}

// Markdown (what the model wrote) through md4c's CommonMark renderer with GitHub's tables,
// strikethrough, task lists and autolinks. Raw HTML in the text is not passed through
// (MD_FLAG_NOHTML: it is shown escaped), so a reply can never add markup or scripts to the page.
void appendMarkdown(std::string& out, std::string_view text) {
    out += "<div class=\"markdown\">\n";
    const size_t before = out.size();
    auto sink = [](const MD_CHAR* piece, MD_SIZE size, void* target) {
        static_cast<std::string*>(target)->append(piece, size);
    };
    // md4c takes a 32-bit size; a larger text (over the import limit anyway) is shown as typed.
    const bool fits = text.size() <= 0x7fffffffu;
    if (!fits || md_html(text.data(), MD_SIZE(text.size()), sink, &out, MD_DIALECT_GITHUB | MD_FLAG_NOHTML, 0) != 0) {
        out.resize(before);
        appendTyped(out, text);
    }
    out += "</div>\n";
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
    // Nothing the page contains may load or run anything: a link or image in a reply stays inert.
    out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
           "img-src data:\">\n";
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
        appendTyped(out, c.systemPrompt);
        out += "</section>\n";
    }
    const auto branch = selectedBranch(data);
    const auto positions = siblingPositions(data, branch);
    for (size_t i = 0; i < branch.size(); ++i) {
        const Message* m = branch[i];
        out += "<section class=\"message ";
        out += roleClass(m->role);
        out += "\">\n<div class=\"role\">" + detail::roleLabel(m->role);
        auto [position, count] = positions[i];
        if (count > 1)
            out += " <span class=\"version\">version " + std::to_string(position) + " of " + std::to_string(count) + "</span>";
        out += "</div>\n";
        if (m->role == Role::Assistant) appendMarkdown(out, m->content);
        else appendTyped(out, m->content);
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
