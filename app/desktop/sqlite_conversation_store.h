// A ConversationStore over the SQLite store of storage/: one worker thread owns the connection
// (storage's thread contract) and applies each save as an upsert of what changed; streamed
// replies go through storage::ReplyWriter so a crash loses at most about a second of a reply.
#pragma once

#include <QThread>

#include "conversation_store.h"

namespace confidant::app {

class SqliteStoreWorker;

class SqliteConversationStore final : public ConversationStore {
public:
    explicit SqliteConversationStore(QString databasePath);
    ~SqliteConversationStore() override;

    // Opens the database on the worker thread (blocking: called once at start-up). When the file
    // is not a usable store the error is the store's message and the file is never written.
    QVector<Conversation> loadAll(QString* error) override;
    void save(const Conversation& conversation) override;
    void remove(qint64 conversationId) override;
    void flush() override;
    QString location() const override { return m_path; }
    void search(const QString& query, int limit, QObject* context, SearchDone done) override;
    void exportConversation(qint64 conversationId, ExportFormat format, const QString& path, QObject* context,
                            Done done) override;
    void exportAll(ExportFormat format, const QString& path, QObject* context, Progress progress, Done done) override;
    void importFile(const QString& path, QObject* context, Progress progress, ImportDone done) override;
    void adopt(qint64 conversationId, const QString& key) override;
    // After loadAll: the file is not SQLite or is damaged, so moveAside() may be offered.
    bool damaged() const { return m_damaged; }

    // Renames a damaged database (and its -wal/-shm files) aside so the next start creates a
    // fresh one; returns the new location, or an empty string and the reason in `error`.
    static QString moveAside(const QString& databasePath, QString* error);

private:
    QString m_path;
    bool m_damaged = false;
    QThread m_thread;
    SqliteStoreWorker* m_worker = nullptr;  // lives on m_thread
};

}  // namespace confidant::app
