// Where conversations persist. The app keeps the open conversations in memory (ConversationRepository)
// and hands each change to a ConversationStore, which writes it off the UI thread. Search, export
// and import also run there, in order after the writes queued before them, and deliver their
// results on the main (UI) thread, to a context object living there.
#pragma once

#include <QCoreApplication>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QVector>

#include <functional>

#include "conversation.h"

namespace confidant::app {

struct SearchHit {
    qint64 conversationId = 0;
    qint64 messageId = 0;  // 0: the title matched
    QString title;
    QString snippet;       // rich text: HTML-escaped, each matched word in <b></b>
    bool onSelectedBranch = true;
};

enum class ExportFormat { Markdown, Html, Text, Json };

// "markdown"/"md", "html", "text"/"txt", "json"; false when the name is unknown.
bool exportFormatFromName(const QString& name, ExportFormat* format);
QString exportFileSuffix(ExportFormat format);  // without the dot: "md", "html", "txt", "json"

struct ImportSummary {
    int imported = 0;  // conversations added
    int skipped = 0;   // already in the store (same id): left as they were
    int messages = 0;
};

class ConversationStore {
public:
    using SearchDone = std::function<void(const QVector<SearchHit>& hits, const QString& error)>;
    // An error message, empty on success.
    using Done = std::function<void(const QString& error)>;
    using Progress = std::function<void(int done, int total)>;
    // The conversations an import added, each with id 0 (the repository assigns ids and calls
    // adopt(), which ties the new id to the stored conversation).
    using ImportDone = std::function<void(const QVector<Conversation>& added, const QStringList& keys,
                                          const ImportSummary& summary, const QString& error)>;

    virtual ~ConversationStore() = default;
    // Everything stored, read once at start-up. An error message says why the store is unusable.
    virtual QVector<Conversation> loadAll(QString* error) = 0;
    virtual void save(const Conversation& conversation) = 0;
    virtual void remove(qint64 conversationId) = 0;
    // Blocks until every queued write has reached the disk (shutdown, tests).
    virtual void flush() = 0;
    virtual QString location() const = 0;

    // Full-text search of titles and messages, best first. `done` runs on the main thread, and
    // not at all when `context` is gone by then.
    virtual void search(const QString& query, int limit, QObject* context, SearchDone done) = 0;
    // One conversation to `path` in `format` (written atomically: on failure nothing is left).
    virtual void exportConversation(qint64 conversationId, ExportFormat format, const QString& path, QObject* context,
                                    Done done) = 0;
    // Every conversation: JSON into the one file `path`; the other formats one file each into the
    // folder `path`, reporting progress per file.
    virtual void exportAll(ExportFormat format, const QString& path, QObject* context, Progress progress, Done done) = 0;
    // Our JSON export or ChatGPT's conversations.json. A malformed file imports nothing and the
    // error names the place. `progress` counts the file's conversations as they are written.
    virtual void importFile(const QString& path, QObject* context, Progress progress, ImportDone done) = 0;
    // Ties the app id `conversationId` to the imported conversation `key` (from ImportDone).
    virtual void adopt(qint64 conversationId, const QString& key) = 0;
};

// Runs `f` on the main thread, unless `context` (an object of the main thread) is gone by then.
// Safe to call from any thread: `context` is only looked at on its own thread.
template <typename F>
void deliverTo(QPointer<QObject> context, F f) {
    QMetaObject::invokeMethod(
        QCoreApplication::instance(), [context, f = std::move(f)]() mutable {
            if (context) f();
        },
        Qt::QueuedConnection);
}

}  // namespace confidant::app
