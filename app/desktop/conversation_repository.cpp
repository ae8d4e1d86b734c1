// ConversationRepository: edits, persistence scheduling, and search, export and import through the store.
#include "conversation_repository.h"

#include <QPointer>
#include <QSet>

#include <algorithm>

namespace confidant::app {

namespace {

QString titleFrom(const QString& text) {
    QString line = text.simplified();
    if (line.size() > 48) line = line.left(47).trimmed() + QChar(0x2026);
    return line;
}

}  // namespace

ConversationRepository::ConversationRepository(std::unique_ptr<ConversationStore> store, QObject* parent)
    : QObject(parent), m_store(std::move(store)) {
    for (Conversation& c : m_store->loadAll(&m_loadError)) m_conversations.insert(c.id, std::move(c));
    // Streamed text reaches the store within this interval of arriving (plus the event loop's
    // latency): half a second keeps the store's "at most a second lost in a crash" with margin.
    m_saveTimer.setInterval(500);
    m_saveTimer.setSingleShot(true);
    connect(&m_saveTimer, &QTimer::timeout, this, [this] {
        const auto pending = m_pendingSaves;
        m_pendingSaves.clear();
        for (qint64 id : pending) saveNow(id);
    });
}

ConversationRepository::~ConversationRepository() { flush(); }

const Conversation* ConversationRepository::find(qint64 id) const {
    auto it = m_conversations.constFind(id);
    return it == m_conversations.constEnd() ? nullptr : &*it;
}

Conversation* ConversationRepository::findMutable(qint64 id) {
    auto it = m_conversations.find(id);
    return it == m_conversations.end() ? nullptr : &*it;
}

void ConversationRepository::touch(Conversation& c) { c.updated = QDateTime::currentDateTime(); }

void ConversationRepository::saveNow(qint64 id) {
    m_pendingSaves.remove(id);
    if (const Conversation* c = find(id)) m_store->save(*c);
}

void ConversationRepository::saveSoon(qint64 id) {
    m_pendingSaves.insert(id);
    if (!m_saveTimer.isActive()) m_saveTimer.start();
}

void ConversationRepository::writePending() {
    const auto pending = m_pendingSaves;
    for (qint64 id : pending) saveNow(id);
}

void ConversationRepository::flush() {
    writePending();
    m_store->flush();
}

qint64 ConversationRepository::nextConversationId() const {
    qint64 id = 1;
    for (qint64 existing : m_conversations.keys()) id = std::max(id, existing + 1);
    if (m_removed && m_removed->id >= id) id = m_removed->id + 1;
    return id;
}

qint64 ConversationRepository::create(const ConversationSettings& settings, const QString& modelPath) {
    const qint64 id = nextConversationId();
    Conversation c;
    c.id = id;
    c.title = tr("New chat");
    c.created = c.updated = QDateTime::currentDateTime();
    c.settings = settings;
    c.modelPath = modelPath;
    m_conversations.insert(id, c);
    saveNow(id);
    emit conversationAdded(id);
    return id;
}

void ConversationRepository::rename(qint64 id, const QString& title) {
    Conversation* c = findMutable(id);
    const QString t = title.simplified();
    if (!c || t.isEmpty() || t == c->title) return;
    c->title = t;
    c->titleFromUser = true;
    saveNow(id);
    emit conversationChanged(id);
}

void ConversationRepository::setPinned(qint64 id, bool pinned) {
    Conversation* c = findMutable(id);
    if (!c || c->pinned == pinned) return;
    c->pinned = pinned;
    saveNow(id);
    emit conversationChanged(id);
}

void ConversationRepository::setSettings(qint64 id, const ConversationSettings& settings) {
    Conversation* c = findMutable(id);
    if (!c || c->settings == settings) return;
    c->settings = settings;
    saveSoon(id);
    emit conversationChanged(id);
}

void ConversationRepository::setModelPath(qint64 id, const QString& path) {
    Conversation* c = findMutable(id);
    if (!c || c->modelPath == path) return;
    c->modelPath = path;
    saveNow(id);
    emit conversationChanged(id);
}

void ConversationRepository::remove(qint64 id) {
    auto it = m_conversations.find(id);
    if (it == m_conversations.end()) return;
    m_removed = *it;
    m_conversations.erase(it);
    m_pendingSaves.remove(id);
    m_store->remove(id);
    emit conversationRemoved(id);
}

qint64 ConversationRepository::restore() {
    if (!m_removed) return 0;
    const qint64 id = m_removed->id;
    m_conversations.insert(id, *m_removed);
    m_removed.reset();
    saveNow(id);
    emit conversationAdded(id);
    return id;
}

qint64 ConversationRepository::addMessage(qint64 conversationId, qint64 parentId, MessageRole role, const QString& text) {
    Conversation* c = findMutable(conversationId);
    if (!c) return 0;
    Message m;
    m.id = c->nextMessageId();
    m.parentId = parentId;
    m.role = role;
    m.text = text;
    m.created = QDateTime::currentDateTime();
    c->messages.push_back(m);
    c->selectPathTo(m.id);
    const bool retitle = role == MessageRole::User && !c->titleFromUser && parentId == 0;
    if (retitle) c->title = titleFrom(text);
    touch(*c);
    saveNow(conversationId);
    emit messagesChanged(conversationId);
    emit conversationChanged(conversationId);
    return m.id;
}

void ConversationRepository::appendText(qint64 conversationId, qint64 messageId, const QString& text) {
    Conversation* c = findMutable(conversationId);
    Message* m = c ? c->find(messageId) : nullptr;
    if (!m || text.isEmpty()) return;
    m->text += text;
    saveSoon(conversationId);
    emit messageTextChanged(conversationId, messageId);
}

void ConversationRepository::setText(qint64 conversationId, qint64 messageId, const QString& text) {
    Conversation* c = findMutable(conversationId);
    Message* m = c ? c->find(messageId) : nullptr;
    if (!m || m->text == text) return;
    m->text = text;
    touch(*c);
    saveNow(conversationId);
    emit messageTextChanged(conversationId, messageId);
}

void ConversationRepository::finishReply(qint64 conversationId, qint64 messageId, const GenerationRecord& record,
                                         const QString& error) {
    Conversation* c = findMutable(conversationId);
    Message* m = c ? c->find(messageId) : nullptr;
    if (!m) return;
    m->hasRecord = error.isEmpty() || record.generatedTokens > 0;
    m->record = record;
    m->error = error;
    touch(*c);
    saveNow(conversationId);
    emit messageChanged(conversationId, messageId);
    emit conversationChanged(conversationId);
}

void ConversationRepository::removeMessage(qint64 conversationId, qint64 messageId) {
    Conversation* c = findMutable(conversationId);
    if (!c || !c->find(messageId)) return;
    QSet<qint64> doomed{messageId};
    for (bool grew = true; grew;) {
        grew = false;
        for (const Message& m : c->messages)
            if (doomed.contains(m.parentId) && !doomed.contains(m.id)) {
                doomed.insert(m.id);
                grew = true;
            }
    }
    c->messages.erase(std::remove_if(c->messages.begin(), c->messages.end(),
                                     [&](const Message& m) { return doomed.contains(m.id); }),
                      c->messages.end());
    for (auto it = c->selectedChild.begin(); it != c->selectedChild.end();)
        it = doomed.contains(it.value()) || doomed.contains(it.key()) ? c->selectedChild.erase(it) : std::next(it);
    touch(*c);
    saveNow(conversationId);
    emit messagesChanged(conversationId);
}

void ConversationRepository::selectSibling(qint64 conversationId, qint64 messageId, int delta) {
    Conversation* c = findMutable(conversationId);
    const Message* m = c ? c->find(messageId) : nullptr;
    if (!m) return;
    const QVector<qint64> siblings = c->children(m->parentId);
    const qsizetype index = siblings.indexOf(messageId) + delta;
    if (index < 0 || index >= siblings.size()) return;
    c->selectedChild[m->parentId] = siblings[index];
    saveNow(conversationId);
    emit messagesChanged(conversationId);
}

void ConversationRepository::selectPathTo(qint64 conversationId, qint64 messageId) {
    Conversation* c = findMutable(conversationId);
    if (!c || !c->find(messageId)) return;
    const QVector<qint64> before = c->activePath();
    c->selectPathTo(messageId);
    if (c->activePath() == before) return;
    saveNow(conversationId);
    emit messagesChanged(conversationId);
}

void ConversationRepository::search(const QString& query, int limit, QObject* context, ConversationStore::SearchDone done) {
    writePending();
    m_store->search(query, limit, context, std::move(done));
}

void ConversationRepository::exportConversation(qint64 id, ExportFormat format, const QString& path, QObject* context,
                                                ConversationStore::Done done) {
    writePending();
    m_store->exportConversation(id, format, path, context, std::move(done));
}

void ConversationRepository::exportAll(ExportFormat format, const QString& path, QObject* context,
                                       ConversationStore::Progress progress, ConversationStore::Done done) {
    writePending();
    m_store->exportAll(format, path, context, std::move(progress), std::move(done));
}

void ConversationRepository::importFile(const QString& path, QObject* context, ConversationStore::Progress progress,
                                        std::function<void(const ImportSummary&, const QString& error)> done) {
    // The repository adopts what was added even when `context` is gone by then.
    auto progressWhileThere = [c = QPointer<QObject>(context), progress = std::move(progress)](int n, int total) {
        if (c && progress) progress(n, total);
    };
    m_store->importFile(path, this, progressWhileThere, [this, c = QPointer<QObject>(context), done = std::move(done)](const QVector<Conversation>& added, const QStringList& keys,
                                                                   const ImportSummary& summary, const QString& error) {
        for (qsizetype i = 0; i < added.size(); ++i) {
            Conversation conversation = added[i];
            conversation.id = nextConversationId();
            m_conversations.insert(conversation.id, conversation);
            m_store->adopt(conversation.id, keys[i]);
            emit conversationAdded(conversation.id);
        }
        if (c) done(summary, error);
    });
}

}  // namespace confidant::app
