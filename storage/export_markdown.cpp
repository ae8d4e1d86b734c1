// Markdown export: the selected branch, each message under a heading, its text verbatim (it is
// Markdown already, code fences included).
#include "export.h"
#include "export_common.h"
#include "message_tree.h"

namespace confidant::storage {

std::string exportMarkdown(const ConversationData& data) {
    const Conversation& c = data.conversation;
    std::string out = "# " + detail::titleOrDefault(c) + "\n\n";
    out += "- Created: " + formatIsoTime(c.createdAt) + "\n";
    out += "- Updated: " + formatIsoTime(c.updatedAt) + "\n";
    if (!c.modelRef.empty()) out += "- Model: " + c.modelRef + "\n";
    out += "- Conversation: " + c.id + "\n";
    if (!c.systemPrompt.empty()) out += "\n## System prompt\n\n" + c.systemPrompt + "\n";
    const auto branch = selectedBranch(data);
    const auto positions = siblingPositions(data, branch);
    for (size_t i = 0; i < branch.size(); ++i) {
        const Message* m = branch[i];
        out += "\n## " + detail::roleLabel(m->role);
        auto [position, count] = positions[i];
        if (count > 1) out += " (version " + std::to_string(position) + " of " + std::to_string(count) + ")";
        out += "\n\n";
        out += m->content;
        if (out.back() != '\n') out += '\n';
        std::string summary = detail::replySummary(*m);
        if (!summary.empty()) out += "\n*" + summary + "*\n";
    }
    return out;
}

}  // namespace confidant::storage
