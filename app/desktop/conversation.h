// The app's view of a conversation: a tree of messages (edit and regenerate add siblings), the
// selected branch, and per-conversation generation settings. Plain values, no QObject.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>
#include <QVector>

namespace confidant::app {

enum class MessageRole { System, User, Assistant };
QString roleName(MessageRole role);
MessageRole roleFromName(const QString& name);

// What a reply records about how it was produced (shown on demand under the reply).
struct GenerationRecord {
    int promptTokens = 0;
    int reusedPromptTokens = 0;
    int generatedTokens = 0;
    double timeToFirstToken = 0.0;  // seconds
    double tokensPerSecond = 0.0;
    QString finishReason;           // stop, length, context_full, cancelled, error
    QString model;
    QString backend;
    QString device;
    int droppedTurns = 0;           // oldest turns left out to fit the context window
};

struct Message {
    qint64 id = 0;
    qint64 parentId = 0;  // 0: a root message
    MessageRole role = MessageRole::User;
    QString text;
    QDateTime created;
    bool hasRecord = false;
    GenerationRecord record;
    QString error;  // why the reply failed, if it did
};

struct ConversationSettings {
    QString systemPrompt;
    double temperature = 0.8;
    double topP = 0.95;
    int topK = 40;
    double minP = 0.05;
    double repeatPenalty = 1.0;
    int maxTokens = 512;
    int contextSize = 2048;
    qint64 seed = -1;  // -1: a new random seed per reply
    bool operator==(const ConversationSettings&) const = default;
};

struct Conversation {
    qint64 id = 0;
    QString title;
    bool titleFromUser = false;  // renamed by the user: never retitled from the first message
    bool pinned = false;
    QDateTime created;
    QDateTime updated;
    QString modelPath;  // the model this conversation uses (empty: the loaded one)
    ConversationSettings settings;
    QVector<Message> messages;
    QHash<qint64, qint64> selectedChild;  // parent id (0: root) -> chosen child id

    const Message* find(qint64 messageId) const;
    Message* find(qint64 messageId);
    QVector<qint64> children(qint64 parentId) const;  // in creation order
    // The messages shown: from the root, following the selected (else newest) child each time.
    QVector<qint64> activePath() const;
    // Makes every message on the way to `messageId` the selected child of its parent.
    void selectPathTo(qint64 messageId);
    qint64 nextMessageId() const;
};

}  // namespace confidant::app
