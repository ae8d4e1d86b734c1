// SqliteConversationStore: the worker that owns the storage::Database connection, the mapping
// between the app's numeric ids and the store's UUIDs, and the diff that turns a saved
// Conversation into inserts and updates of only the rows that changed.
#include "sqlite_conversation_store.h"

#include <QDir>
#include <QSet>
#include <QtDebug>

#include <filesystem>
#include <map>
#include <optional>
#include <unordered_map>

#include "conversations.h"
#include "export.h"
#include "json_format.h"
#include "message_tree.h"
#include "reply_writer.h"
#include "search.h"
#include "store.h"

namespace confidant::app {

namespace {

std::string utf8(const QString& text) { return text.toStdString(); }
QString qt(const std::string& text) { return QString::fromStdString(text); }

storage::Role toStoreRole(MessageRole role) {
    switch (role) {
        case MessageRole::System: return storage::Role::System;
        case MessageRole::User: return storage::Role::User;
        case MessageRole::Assistant: return storage::Role::Assistant;
    }
    return storage::Role::User;
}

MessageRole fromStoreRole(storage::Role role) {
    switch (role) {
        case storage::Role::System: return MessageRole::System;
        case storage::Role::User: return MessageRole::User;
        case storage::Role::Assistant:
        case storage::Role::Tool: return MessageRole::Assistant;
    }
    return MessageRole::User;
}

storage::FinishReason toStoreReason(const Message& m) {
    const QString& r = m.record.finishReason;
    if (r == QLatin1String("stop")) return storage::FinishReason::Stop;
    // The store has no "context full": running out of context window is a length limit too.
    if (r == QLatin1String("length") || r == QLatin1String("context_full")) return storage::FinishReason::Length;
    if (r == QLatin1String("cancelled")) return storage::FinishReason::Cancelled;
    if (r == QLatin1String("interrupted")) return storage::FinishReason::Interrupted;
    if (r == QLatin1String("error") || !m.error.isEmpty()) return storage::FinishReason::Error;
    return storage::FinishReason::None;
}

storage::ReplyInfo toStoreInfo(const Message& m) {
    storage::ReplyInfo info;
    if (!m.hasRecord) return info;
    info.modelFile = utf8(m.record.model);
    info.backend = utf8(m.record.backend);
    info.device = utf8(m.record.device);
    info.promptTokens = m.record.promptTokens;
    info.generatedTokens = m.record.generatedTokens;
    info.timeToFirstTokenMs = m.record.timeToFirstToken * 1000.0;
    info.tokensPerSecond = m.record.tokensPerSecond;
    return info;
}

storage::GenerationSettings toStoreSettings(const ConversationSettings& s) {
    storage::GenerationSettings g;
    g.sampler.temperature = s.temperature;
    g.sampler.topK = s.topK;
    g.sampler.topP = s.topP;
    g.sampler.minP = s.minP;
    g.sampler.repeatPenalty = s.repeatPenalty;
    if (s.seed >= 0) g.sampler.seed = s.seed;
    g.contextSize = s.contextSize;
    g.maxTokens = s.maxTokens;
    return g;
}

ConversationSettings fromStoreSettings(const std::string& systemPrompt, const storage::GenerationSettings& g) {
    ConversationSettings s;
    s.systemPrompt = qt(systemPrompt);
    s.temperature = g.sampler.temperature.value_or(s.temperature);
    s.topK = int(g.sampler.topK.value_or(s.topK));
    s.topP = g.sampler.topP.value_or(s.topP);
    s.minP = g.sampler.minP.value_or(s.minP);
    s.repeatPenalty = g.sampler.repeatPenalty.value_or(s.repeatPenalty);
    s.seed = g.sampler.seed.value_or(-1);
    s.contextSize = int(g.contextSize.value_or(s.contextSize));
    s.maxTokens = int(g.maxTokens.value_or(s.maxTokens));
    return s;
}

// A reply still being generated: the app gives it a record or an error when it ends.
bool isStreaming(const Message& m) { return m.role == MessageRole::Assistant && !m.hasRecord && m.error.isEmpty(); }

bool sameStoredContent(const Message& a, const Message& b) {
    return a.text == b.text && a.hasRecord == b.hasRecord && a.error == b.error &&
           a.record.finishReason == b.record.finishReason && a.record.generatedTokens == b.record.generatedTokens &&
           a.record.promptTokens == b.record.promptTokens && a.record.model == b.record.model &&
           a.record.backend == b.record.backend && a.record.device == b.record.device &&
           a.record.tokensPerSecond == b.record.tokensPerSecond && a.record.timeToFirstToken == b.record.timeToFirstToken;
}

storage::ExportFormat toStoreFormat(ExportFormat format) {
    switch (format) {
        case ExportFormat::Markdown: return storage::ExportFormat::Markdown;
        case ExportFormat::Html: return storage::ExportFormat::Html;
        case ExportFormat::Text: return storage::ExportFormat::Text;
        case ExportFormat::Json: return storage::ExportFormat::Json;
    }
    return storage::ExportFormat::Json;
}

// Snippet highlight markers: private-use characters that no text contains, replaced by tags
// after the snippet is HTML-escaped.
constexpr const char* k_highlightStart = "\xEE\x80\x80";  // U+E000
constexpr const char* k_highlightEnd = "\xEE\x80\x81";    // U+E001

QString richSnippet(const std::string& snippet) {
    return qt(snippet).toHtmlEscaped().replace(QChar(0xE000), QStringLiteral("<b>")).replace(QChar(0xE001), QStringLiteral("</b>"));
}

}  // namespace

bool exportFormatFromName(const QString& name, ExportFormat* format) {
    const auto f = storage::exportFormatFromName(name.toLower().toStdString());
    if (!f) return false;
    switch (*f) {
        case storage::ExportFormat::Markdown: *format = ExportFormat::Markdown; break;
        case storage::ExportFormat::Html: *format = ExportFormat::Html; break;
        case storage::ExportFormat::Text: *format = ExportFormat::Text; break;
        case storage::ExportFormat::Json: *format = ExportFormat::Json; break;
    }
    return true;
}

QString exportFileSuffix(ExportFormat format) {
    return qt(std::string(storage::exportFileExtension(toStoreFormat(format)).substr(1)));
}

// Lives on the store's thread; every call runs there, in the order it was queued.
class SqliteStoreWorker : public QObject {
public:
    explicit SqliteStoreWorker(std::string path) : m_path(std::move(path)) {}

    bool damaged() const { return m_damaged; }

    QVector<Conversation> loadAll(QString* error) {
        QVector<Conversation> all;
        if (!open(error)) return all;
        auto ids = storage::allConversationIds(*m_db);
        if (!ids) {
            *error = qt(ids.error().message);
            return all;
        }
        qint64 nextId = 1;
        for (const std::string& uuid : *ids) {
            auto data = storage::loadConversation(*m_db, uuid);
            if (!data) {
                qWarning("skipping the unreadable conversation %s: %s", uuid.c_str(), data.error().message.c_str());
                continue;
            }
            const qint64 appId = nextId++;
            all.push_back(fromStore(appId, *data, m_stored[appId]));
        }
        return all;
    }

    void save(const Conversation& c) {
        if (!open(nullptr)) return;  // an unusable file is never written
        Stored& s = m_stored[c.id];
        if (s.uuid.empty() && !create(c, s)) {
            m_stored.erase(c.id);
            return;
        }
        removeGone(c, s);
        for (const Message& m : c.messages) writeMessage(c, m, s);
        writeConversationRow(c, s);
        s.saved = c;
    }

    void remove(qint64 conversationId) {
        auto it = m_stored.find(conversationId);
        if (it == m_stored.end() || !m_db) return;
        it->second.writers.clear();
        warnIfFailed(storage::deleteConversation(*m_db, it->second.uuid), "delete a conversation");
        m_stored.erase(it);
    }

    QVector<SearchHit> search(const QString& query, int limit, QString* error) {
        QVector<SearchHit> hits;
        if (!open(error)) return hits;
        storage::SearchOptions options;
        options.limit = limit;
        options.highlightStart = k_highlightStart;
        options.highlightEnd = k_highlightEnd;
        auto found = storage::search(*m_db, query.toStdString(), options);
        if (!found) {
            *error = qt(found.error().message);
            return hits;
        }
        for (const storage::SearchHit& h : *found) {
            const auto stored = findByUuid(h.conversationId);
            if (!stored) continue;  // deleted in the app meanwhile, or imported and not yet adopted
            SearchHit hit;
            hit.conversationId = stored->first;
            hit.title = stored->second->saved.title;
            hit.snippet = richSnippet(h.snippet);
            hit.onSelectedBranch = h.onSelectedBranch;
            if (!h.messageId.empty()) {
                hit.messageId = stored->second->messageUuids.key(h.messageId, 0);
                if (hit.messageId == 0) continue;
            }
            hits.push_back(hit);
        }
        return hits;
    }

    QString exportConversation(qint64 conversationId, ExportFormat format, const QString& path) {
        QString error;
        if (!open(&error)) return error;
        auto it = m_stored.find(conversationId);
        if (it == m_stored.end()) return QObject::tr("This conversation is not in the store (yet); nothing was exported.");
        const auto done = storage::exportConversationToFile(*m_db, it->second.uuid, toStoreFormat(format), path.toStdString());
        return done ? QString() : qt(done.error().message);
    }

    QString exportAll(ExportFormat format, const QString& path, const std::function<void(int, int)>& progress) {
        QString error;
        if (!open(&error)) return error;
        if (format == ExportFormat::Json) {
            const auto done = storage::exportJsonFile(*m_db, {}, path.toStdString());
            return done ? QString() : qt(done.error().message);
        }
        if (!QDir().mkpath(path)) return QObject::tr("Cannot create the folder %1.").arg(path);
        auto ids = storage::allConversationIds(*m_db);
        if (!ids) return qt(ids.error().message);
        const int total = int(ids->size());
        int done = 0;
        for (const std::string& id : *ids) {
            auto row = storage::getConversation(*m_db, id);
            if (!row) return qt(row.error().message);
            const std::filesystem::path file = std::filesystem::path(path.toStdString()) /
                                               storage::exportFileName(*row, toStoreFormat(format));
            const auto written = storage::exportConversationToFile(*m_db, id, toStoreFormat(format), file);
            if (!written) return qt(written.error().message);
            progress(++done, total);
        }
        return {};
    }

    // Imports the file, then reads back the conversations it added (kept aside until adopted).
    QVector<Conversation> importFile(const QString& path, const storage::ImportProgress& progress, QStringList* keys,
                                     ImportSummary* summary, QString* error) {
        QVector<Conversation> added;
        if (!open(error)) return added;
        auto report = storage::importFile(*m_db, path.toStdString(), progress);
        if (!report) {
            *error = qt(report.error().message);
            return added;
        }
        summary->imported = report->imported;
        summary->skipped = report->skipped;
        summary->messages = report->messages;
        for (const std::string& uuid : report->addedIds) {
            auto data = storage::loadConversation(*m_db, uuid);
            if (!data) {
                qWarning("skipping the unreadable conversation %s: %s", uuid.c_str(), data.error().message.c_str());
                continue;
            }
            added.push_back(fromStore(0, *data, m_imported[uuid]));
            keys->push_back(qt(uuid));
        }
        return added;
    }

    void adopt(qint64 conversationId, const std::string& uuid) {
        auto it = m_imported.find(uuid);
        if (it == m_imported.end()) return;
        Stored& s = m_stored[conversationId];
        s = std::move(it->second);
        s.saved.id = conversationId;
        m_imported.erase(it);
    }

    // Ends every open reply writer and closes the connection, on this thread.
    void shutdown() {
        m_stored.clear();
        m_imported.clear();
        m_db.reset();
    }

private:
    struct Stored {
        std::string uuid;
        storage::Conversation row;
        Conversation saved;  // what the database holds, as the app saw it at the last save
        QHash<qint64, std::string> messageUuids;
        std::map<qint64, storage::ReplyWriter> writers;  // replies streaming now
    };

    std::optional<std::pair<qint64, Stored*>> findByUuid(const std::string& uuid) {
        for (auto& [id, stored] : m_stored)
            if (stored.uuid == uuid) return std::make_pair(id, &stored);
        return std::nullopt;
    }

    static void warnIfFailed(const storage::Result<void>& result, const char* what) {
        if (!result) qWarning("cannot %s in the conversation store: %s", what, result.error().message.c_str());
    }

    bool open(QString* error) {
        if (m_db) return true;
        if (m_openFailed) {
            if (error) *error = m_openError;
            return false;
        }
        storage::OpenOptions options;
        options.recoverInterruptedReplies = true;  // this connection owns streaming
        auto db = storage::openStore(m_path, options);
        if (!db) {
            m_openFailed = true;
            m_damaged = db.error().code == storage::ErrorCode::NotADatabase || db.error().code == storage::ErrorCode::Corrupt;
            m_openError = qt(db.error().message);
            if (error) *error = m_openError;
            return false;
        }
        m_db.emplace(std::move(*db));
        return true;
    }

    Conversation fromStore(qint64 appId, const storage::ConversationData& data, Stored& s) {
        s.uuid = data.conversation.id;
        s.row = data.conversation;
        Conversation c;
        c.id = appId;
        c.title = qt(data.conversation.title);
        c.pinned = data.conversation.pinned;
        c.created = QDateTime::fromMSecsSinceEpoch(data.conversation.createdAt);
        c.updated = QDateTime::fromMSecsSinceEpoch(data.conversation.updatedAt);
        c.modelPath = qt(data.conversation.modelRef);
        c.settings = fromStoreSettings(data.conversation.systemPrompt, data.conversation.settings);
        std::unordered_map<std::string, qint64> appIds;
        qint64 nextMessage = 1;
        qint64 selected = 0;
        for (const storage::Message& sm : data.messages) {
            Message m;
            m.id = nextMessage++;
            appIds[sm.id] = m.id;
            s.messageUuids.insert(m.id, sm.id);
            const auto parent = appIds.find(sm.parentId);
            m.parentId = parent == appIds.end() ? 0 : parent->second;
            m.role = fromStoreRole(sm.role);
            m.text = qt(sm.content);
            m.created = QDateTime::fromMSecsSinceEpoch(sm.createdAt);
            if (m.role == MessageRole::Assistant && sm.finishReason != storage::FinishReason::None) {
                m.hasRecord = true;
                m.record.finishReason = qt(std::string(storage::finishReasonName(sm.finishReason)));
                m.record.model = qt(sm.reply.modelFile);
                m.record.backend = qt(sm.reply.backend);
                m.record.device = qt(sm.reply.device);
                m.record.promptTokens = int(sm.reply.promptTokens.value_or(0));
                m.record.generatedTokens = int(sm.reply.generatedTokens.value_or(0));
                m.record.timeToFirstToken = sm.reply.timeToFirstTokenMs.value_or(0.0) / 1000.0;
                m.record.tokensPerSecond = sm.reply.tokensPerSecond.value_or(0.0);
                // The store keeps the finish reason, not the app's error text.
                if (sm.finishReason == storage::FinishReason::Error)
                    m.error = QObject::tr("This reply ended with an error.");
            }
            if (sm.id == data.conversation.selectedLeafId) selected = m.id;
            c.messages.push_back(m);
        }
        if (selected) c.selectPathTo(selected);
        s.saved = c;
        return c;
    }

    bool create(const Conversation& c, Stored& s) {
        storage::NewConversation draft;
        draft.title = utf8(c.title);
        draft.modelRef = utf8(c.modelPath);
        draft.systemPrompt = utf8(c.settings.systemPrompt);
        draft.settings = toStoreSettings(c.settings);
        auto row = storage::createConversation(*m_db, draft);
        if (!row) {
            qWarning("cannot create a conversation in the store: %s", row.error().message.c_str());
            return false;
        }
        s.uuid = row->id;
        s.row = *row;
        s.saved = Conversation{};
        s.saved.id = c.id;
        s.saved.title = c.title;
        s.saved.modelPath = c.modelPath;
        s.saved.settings = c.settings;
        return true;
    }

    void removeGone(const Conversation& c, Stored& s) {
        QSet<qint64> gone;
        for (const Message& m : s.saved.messages)
            if (!c.find(m.id)) gone.insert(m.id);
        for (const Message& m : s.saved.messages) {
            if (!gone.contains(m.id)) continue;
            s.writers.erase(m.id);
            // Deleting a message takes its descendants with it: delete only the topmost.
            if (!gone.contains(m.parentId) && s.messageUuids.contains(m.id)) {
                auto result = storage::deleteMessage(*m_db, s.messageUuids.value(m.id));
                if (!result && result.error().code != storage::ErrorCode::NotFound)
                    warnIfFailed(result, "delete a message");
            }
            s.messageUuids.remove(m.id);
        }
    }

    void writeMessage(const Conversation& c, const Message& m, Stored& s) {
        (void)c;
        const bool streaming = isStreaming(m);
        if (!s.messageUuids.contains(m.id)) {
            const std::string parent = m.parentId ? s.messageUuids.value(m.parentId) : std::string();
            if (m.parentId && parent.empty()) return;  // its parent could not be written
            if (streaming) {
                storage::ReplyWriter::Options options;
                options.select = false;  // the selected branch is written from the app's choice
                auto writer = storage::ReplyWriter::begin(*m_db, s.uuid, parent, utf8(m.text), {}, options);
                if (!writer) {
                    qWarning("cannot start a reply in the store: %s", writer.error().message.c_str());
                    return;
                }
                s.messageUuids.insert(m.id, writer->messageId());
                s.writers.emplace(m.id, std::move(*writer));
                return;
            }
            storage::NewMessage draft;
            draft.conversationId = s.uuid;
            draft.parentId = parent;
            draft.role = toStoreRole(m.role);
            draft.content = utf8(m.text);
            draft.finishReason = toStoreReason(m);
            draft.reply = toStoreInfo(m);
            draft.select = false;
            auto added = storage::appendMessage(*m_db, draft);
            if (!added) {
                qWarning("cannot add a message to the store: %s", added.error().message.c_str());
                return;
            }
            s.messageUuids.insert(m.id, added->id);
            return;
        }
        auto writer = s.writers.find(m.id);
        if (writer != s.writers.end()) {
            // The repository saves a streaming reply about once a second; each save commits the
            // new text, so the store's "flushed at least once a second" holds.
            const std::string text = utf8(m.text);
            const std::string& written = writer->second.text();
            if (text.size() > written.size() && text.compare(0, written.size(), written) == 0) {
                auto appended = writer->second.append(std::string_view(text).substr(written.size()));
                if (!appended) qWarning("cannot write a reply: %s", appended.error().message.c_str());
            }
            warnIfFailed(writer->second.flush(), "write a reply");
            if (!streaming) {
                auto finished = writer->second.finish(toStoreReason(m), toStoreInfo(m));
                if (!finished) qWarning("cannot finish a reply: %s", finished.error().message.c_str());
                s.writers.erase(writer);
            }
            return;
        }
        const Message* old = s.saved.find(m.id);
        if (old && sameStoredContent(*old, m)) return;
        updateRow(s.messageUuids.value(m.id), m);
    }

    void updateRow(const std::string& uuid, const Message& m) {
        auto statement = m_db->prepare(
            "UPDATE messages SET content = ?1, finish_reason = ?2, model_file = ?3, backend = ?4, device = ?5, "
            "prompt_tokens = ?6, generated_tokens = ?7, time_to_first_token_ms = ?8, tokens_per_second = ?9 "
            "WHERE id = ?10");
        if (!statement) {
            qWarning("cannot update a message: %s", statement.error().message.c_str());
            return;
        }
        const storage::ReplyInfo info = toStoreInfo(m);
        statement->bind(1, utf8(m.text))
            .bind(2, std::string(storage::finishReasonName(toStoreReason(m))))
            .bind(3, info.modelFile)
            .bind(4, info.backend)
            .bind(5, info.device)
            .bind(6, info.promptTokens)
            .bind(7, info.generatedTokens)
            .bind(8, info.timeToFirstTokenMs)
            .bind(9, info.tokensPerSecond)
            .bind(10, uuid);
        warnIfFailed(statement->run(), "update a message");
    }

    void writeConversationRow(const Conversation& c, Stored& s) {
        storage::Conversation row = s.row;
        row.title = utf8(c.title);
        row.pinned = c.pinned;
        row.modelRef = utf8(c.modelPath);
        row.systemPrompt = utf8(c.settings.systemPrompt);
        row.settings = toStoreSettings(c.settings);
        if (!(row == s.row)) {
            auto updated = storage::updateConversation(*m_db, row);
            if (updated) s.row = row;
            else warnIfFailed(updated, "update a conversation");
        }
        const QVector<qint64> path = c.activePath();
        const std::string leaf = path.isEmpty() ? std::string() : s.messageUuids.value(path.last());
        if (!leaf.empty() && leaf != s.row.selectedLeafId) {
            auto selected = storage::selectBranch(*m_db, leaf);
            if (selected) s.row.selectedLeafId = *selected;
            else qWarning("cannot select a branch: %s", selected.error().message.c_str());
        }
    }

    std::string m_path;
    std::optional<storage::Database> m_db;
    bool m_openFailed = false;
    bool m_damaged = false;
    QString m_openError;
    std::unordered_map<qint64, Stored> m_stored;
    std::unordered_map<std::string, Stored> m_imported;  // by uuid, until the repository adopts them
};

SqliteConversationStore::SqliteConversationStore(QString databasePath) : m_path(std::move(databasePath)) {
    m_worker = new SqliteStoreWorker(m_path.toStdString());
    m_worker->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("confidant-store"));
    m_thread.start();
}

SqliteConversationStore::~SqliteConversationStore() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->shutdown(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

QVector<Conversation> SqliteConversationStore::loadAll(QString* error) {
    QVector<Conversation> all;
    QString message;
    QMetaObject::invokeMethod(m_worker, [&, w = m_worker] {
        all = w->loadAll(&message);
        m_damaged = w->damaged();
    }, Qt::BlockingQueuedConnection);
    if (error) *error = message;
    return all;
}

void SqliteConversationStore::save(const Conversation& conversation) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, conversation] { w->save(conversation); }, Qt::QueuedConnection);
}

void SqliteConversationStore::remove(qint64 conversationId) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, conversationId] { w->remove(conversationId); }, Qt::QueuedConnection);
}

void SqliteConversationStore::flush() {
    QMetaObject::invokeMethod(m_worker, [] {}, Qt::BlockingQueuedConnection);
}

void SqliteConversationStore::search(const QString& query, int limit, QObject* context, SearchDone done) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, query, limit, c = QPointer<QObject>(context), done] {
        QString error;
        QVector<SearchHit> hits = w->search(query, limit, &error);
        deliverTo(c, [done, hits = std::move(hits), error] { done(hits, error); });
    }, Qt::QueuedConnection);
}

void SqliteConversationStore::exportConversation(qint64 conversationId, ExportFormat format, const QString& path,
                                                 QObject* context, Done done) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, conversationId, format, path, c = QPointer<QObject>(context), done] {
        const QString error = w->exportConversation(conversationId, format, path);
        deliverTo(c, [done, error] { done(error); });
    }, Qt::QueuedConnection);
}

void SqliteConversationStore::exportAll(ExportFormat format, const QString& path, QObject* context, Progress progress,
                                        Done done) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, format, path, c = QPointer<QObject>(context), progress, done] {
        const QString error = w->exportAll(format, path, [&](int n, int total) {
            deliverTo(c, [progress, n, total] { progress(n, total); });
        });
        deliverTo(c, [done, error] { done(error); });
    }, Qt::QueuedConnection);
}

void SqliteConversationStore::importFile(const QString& path, QObject* context, Progress progress, ImportDone done) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, path, c = QPointer<QObject>(context), progress, done] {
        QStringList keys;
        ImportSummary summary;
        QString error;
        const auto reportProgress = [&](int n, int total) { deliverTo(c, [progress, n, total] { progress(n, total); }); };
        QVector<Conversation> added = w->importFile(path, reportProgress, &keys, &summary, &error);
        deliverTo(c, [done, added = std::move(added), keys, summary, error] { done(added, keys, summary, error); });
    }, Qt::QueuedConnection);
}

void SqliteConversationStore::adopt(qint64 conversationId, const QString& key) {
    QMetaObject::invokeMethod(m_worker, [w = m_worker, conversationId, key = key.toStdString()] { w->adopt(conversationId, key); },
                              Qt::QueuedConnection);
}

QString SqliteConversationStore::moveAside(const QString& databasePath, QString* error) {
    auto moved = storage::moveAside(databasePath.toStdString());
    if (!moved) {
        if (error) *error = qt(moved.error().message);
        return {};
    }
    return QString::fromStdString(moved->string());
}

}  // namespace confidant::app
