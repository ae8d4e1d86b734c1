// Plain-text export: the selected branch as a transcript.
#include "export.h"
#include "export_common.h"
#include "message_tree.h"

namespace confidant::storage {

std::string exportText(const ConversationData& data) {
    const Conversation& c = data.conversation;
    const std::string title = detail::titleOrDefault(c);
    std::string out = title + "\n" + std::string(title.size() < 72 ? title.size() : 72, '=') + "\n";
    out += "Created " + formatIsoTime(c.createdAt) + (c.modelRef.empty() ? "" : ", model " + c.modelRef) + "\n";
    if (!c.systemPrompt.empty()) out += "\n[System prompt]\n" + c.systemPrompt + "\n";
    for (const Message* m : selectedBranch(data)) {
        out += "\n[" + detail::roleLabel(m->role) + ", " + formatIsoTime(m->createdAt) + "]\n";
        out += m->content;
        if (out.back() != '\n') out += '\n';
        std::string summary = detail::replySummary(*m);
        if (!summary.empty()) out += "(" + summary + ")\n";
    }
    return out;
}

}  // namespace confidant::storage
