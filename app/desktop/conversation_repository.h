// The open conversations, in memory on the UI thread, and every change made to them. Each change
// is announced (so the list models update exact rows) and handed to the ConversationStore, which
// writes it off the UI thread. Streamed reply text is written at most once a second.
#pragma once

#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

#include "conversation.h"
#include "conversation_store.h"

namespace confidant::app {

class ConversationRepository : public QObject {
    Q_OBJECT
public:
    explicit ConversationRepository(std::unique_ptr<ConversationStore> store, QObject* parent = nullptr);
    ~ConversationRepository() override;

    QString loadError() const { return m_loadError; }
    QList<qint64> ids() const { return m_conversations.keys(); }
    const Conversation* find(qint64 id) const;

    qint64 create(const ConversationSettings& settings, const QString& modelPath);
    void rename(qint64 id, const QString& title);
    void setPinned(qint64 id, bool pinned);
    void setSettings(qint64 id, const ConversationSettings& settings);
    void setModelPath(qint64 id, const QString& path);
    // Removes a conversation; restore() brings the last removed one back (undo).
    void remove(qint64 id);
    bool canRestore() const { return m_removed.has_value(); }
    qint64 restore();

    // Adds a message under `parentId` and selects it; returns its id.
    qint64 addMessage(qint64 conversationId, qint64 parentId, MessageRole role, const QString& text);
    void appendText(qint64 conversationId, qint64 messageId, const QString& text);  // streaming
    void setText(qint64 conversationId, qint64 messageId, const QString& text);
    void finishReply(qint64 conversationId, qint64 messageId, const GenerationRecord& record, const QString& error);
    // Removes a message and everything that branches from it.
    void removeMessage(qint64 conversationId, qint64 messageId);
    // Selects the sibling `delta` steps from `messageId` (branch navigation).
    void selectSibling(qint64 conversationId, qint64 messageId, int delta);
    void selectPathTo(qint64 conversationId, qint64 messageId);

    void flush();  // writes what is pending and waits for the store

    // The store's full-text search, export and import, off the UI thread. Each first hands the
    // store what is pending, so they see every edit made so far. Callbacks run on the UI thread,
    // never after `context` (a UI-thread object) is gone.
    void search(const QString& query, int limit, QObject* context, ConversationStore::SearchDone done);
    void exportConversation(qint64 id, ExportFormat format, const QString& path, QObject* context,
                            ConversationStore::Done done);
    void exportAll(ExportFormat format, const QString& path, QObject* context, ConversationStore::Progress progress,
                   ConversationStore::Done done);
    // The imported conversations are added (conversationAdded for each) before `done` runs.
    void importFile(const QString& path, QObject* context, ConversationStore::Progress progress,
                    std::function<void(const ImportSummary&, const QString& error)> done);

signals:
    void conversationAdded(qint64 id);
    void conversationChanged(qint64 id);  // title, pinned, updated time, settings
    void conversationRemoved(qint64 id);
    void messagesChanged(qint64 conversationId);  // the tree or the selected branch changed
    void messageTextChanged(qint64 conversationId, qint64 messageId);
    void messageChanged(qint64 conversationId, qint64 messageId);  // record or error

private:
    Conversation* findMutable(qint64 id);
    void touch(Conversation& c);
    void saveNow(qint64 id);
    void saveSoon(qint64 id);  // coalesces streaming writes (at most twice a second)
    void writePending();       // hands the store every pending save without waiting
    qint64 nextConversationId() const;

    std::unique_ptr<ConversationStore> m_store;
    QHash<qint64, Conversation> m_conversations;
    std::optional<Conversation> m_removed;
    QString m_loadError;
    QSet<qint64> m_pendingSaves;
    QTimer m_saveTimer;
};

}  // namespace confidant::app
