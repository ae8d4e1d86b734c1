// Message-tree navigation for Conversation.
#include "conversation.h"

#include <algorithm>

namespace confidant::app {

QString roleName(MessageRole role) {
    switch (role) {
        case MessageRole::System: return QStringLiteral("system");
        case MessageRole::User: return QStringLiteral("user");
        case MessageRole::Assistant: return QStringLiteral("assistant");
    }
    return QStringLiteral("user");
}

MessageRole roleFromName(const QString& name) {
    if (name == QLatin1String("system")) return MessageRole::System;
    if (name == QLatin1String("assistant")) return MessageRole::Assistant;
    return MessageRole::User;
}

const Message* Conversation::find(qint64 messageId) const {
    auto it = std::find_if(messages.begin(), messages.end(), [&](const Message& m) { return m.id == messageId; });
    return it == messages.end() ? nullptr : &*it;
}

Message* Conversation::find(qint64 messageId) {
    auto it = std::find_if(messages.begin(), messages.end(), [&](const Message& m) { return m.id == messageId; });
    return it == messages.end() ? nullptr : &*it;
}

QVector<qint64> Conversation::children(qint64 parentId) const {
    QVector<qint64> ids;
    for (const Message& m : messages)
        if (m.parentId == parentId) ids.push_back(m.id);
    return ids;
}

QVector<qint64> Conversation::activePath() const {
    QVector<qint64> path;
    qint64 parent = 0;
    for (;;) {
        const QVector<qint64> kids = children(parent);
        if (kids.isEmpty()) break;
        qint64 next = kids.back();
        const auto chosen = selectedChild.constFind(parent);
        if (chosen != selectedChild.constEnd() && kids.contains(*chosen)) next = *chosen;
        path.push_back(next);
        parent = next;
    }
    return path;
}

void Conversation::selectPathTo(qint64 messageId) {
    for (const Message* m = find(messageId); m; m = find(m->parentId)) {
        selectedChild[m->parentId] = m->id;
        if (m->parentId == 0) break;
    }
}

qint64 Conversation::nextMessageId() const {
    qint64 top = 0;
    for (const Message& m : messages) top = std::max(top, m.id);
    return top + 1;
}

}  // namespace confidant::app
