// ChatController: requests to the worker, streamed text into the repository, message actions.
#include "chat_controller.h"

#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QUrl>

#include "conversation_repository.h"
#include "model_manager.h"
#include "settings.h"

namespace confidant::app {

ChatController::ChatController(ConversationRepository* repository, ModelManager* models, Settings* settings,
                               InferenceWorker* worker, QObject* parent)
    : QObject(parent), m_repository(repository), m_models(models), m_settings(settings), m_worker(worker),
      m_messages(repository) {
    m_flushTimer.setInterval(16);  // one append per frame at most
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &ChatController::flushPending);

    connect(worker, &InferenceWorker::textReady, this, [this](quint64 jobId, const QString& text) {
        if (jobId != m_job.id) return;
        m_pending += text;
        if (!m_flushTimer.isActive()) m_flushTimer.start();
    });
    connect(worker, &InferenceWorker::promptReady, this, [this](quint64 jobId, int promptTokens, int contextSize, int dropped) {
        if (jobId != m_job.id) return;
        m_contextUsed[m_job.conversationId] = promptTokens;
        Q_UNUSED(contextSize);
        if (dropped > 0)
            setNotice(tr("%n oldest message(s) no longer fit the context window and were left out of this reply.", nullptr,
                         dropped));
        emit contextChanged();
    });
    connect(worker, &InferenceWorker::generationFinished, this, [this](quint64 jobId, const GenerationRecord& record) {
        if (jobId == m_job.id) finishJob(record, {});
    });
    connect(worker, &InferenceWorker::generationFailed, this, [this](quint64 jobId, const QString& message) {
        if (jobId != m_job.id) return;
        GenerationRecord record;
        record.finishReason = QStringLiteral("error");
        finishJob(record, message);
        setNotice(message);
    });
    connect(models, &ModelManager::stateChanged, this, &ChatController::canSendChanged);
    connect(models, &ModelManager::stateChanged, this, &ChatController::contextChanged);
    connect(repository, &ConversationRepository::conversationChanged, this, [this](qint64 id) {
        if (id == m_conversationId) emit conversationChanged();
    });
    connect(repository, &ConversationRepository::conversationRemoved, this, [this](qint64 id) {
        if (id != m_conversationId) return;
        m_conversationId = 0;
        emit conversationChanged();
        emit contextChanged();
    });
}

QString ChatController::title() const {
    const Conversation* c = m_repository->find(m_conversationId);
    return c ? c->title : QString();
}

bool ChatController::pinned() const {
    const Conversation* c = m_repository->find(m_conversationId);
    return c && c->pinned;
}

QString ChatController::modelPath() const {
    const Conversation* c = m_repository->find(m_conversationId);
    return c ? c->modelPath : QString();
}

QVariantMap ChatController::settings() const {
    const Conversation* c = m_repository->find(m_conversationId);
    const ConversationSettings s = c ? c->settings : m_settings->conversationDefaults();
    return {{QStringLiteral("systemPrompt"), s.systemPrompt}, {QStringLiteral("temperature"), s.temperature},
            {QStringLiteral("topP"), s.topP},                 {QStringLiteral("topK"), s.topK},
            {QStringLiteral("minP"), s.minP},                 {QStringLiteral("repeatPenalty"), s.repeatPenalty},
            {QStringLiteral("maxTokens"), s.maxTokens},       {QStringLiteral("contextSize"), s.contextSize},
            {QStringLiteral("seed"), s.seed}};
}

QString ChatController::sendBlockedReason() const {
    if (m_models->loading()) return tr("The model is still loading…");
    if (!m_models->loaded()) return tr("No model is loaded. Load one on the Models page to start chatting.");
    if (generating()) {
        if (m_job.conversationId != m_conversationId) {
            const Conversation* c = m_repository->find(m_job.conversationId);
            return tr("A reply is being written in “%1”; wait for it or stop it.").arg(c ? c->title : QString());
        }
        return tr("A reply is being written; press Stop (Esc) to interrupt it.");
    }
    return {};
}

int ChatController::contextUsed() const { return m_contextUsed.value(m_conversationId, 0); }

int ChatController::contextSize() const {
    const Conversation* c = m_repository->find(m_conversationId);
    const int wanted = c ? c->settings.contextSize : m_settings->contextSize();
    const int trained = m_models->trainedContext();
    return trained > 0 ? std::min(wanted, trained) : wanted;
}

void ChatController::setNotice(const QString& notice) {
    if (notice == m_notice) return;
    m_notice = notice;
    emit noticeChanged();
}

void ChatController::dismissNotice() { setNotice({}); }

void ChatController::newConversation() {
    const qint64 id = m_repository->create(m_settings->conversationDefaults(), m_models->loadedPath());
    openConversation(id);
}

void ChatController::openConversation(qint64 conversationId) {
    if (conversationId != 0 && !m_repository->find(conversationId)) return;
    if (conversationId == m_conversationId) return;
    flushPending();  // the reply in progress keeps streaming into its own conversation
    m_conversationId = conversationId;
    m_messages.setConversation(conversationId);
    m_settings->setLastConversation(conversationId);
    if (!m_contextUsed.contains(conversationId)) {
        // Estimate from the last reply shown: its prompt plus what it generated.
        const Conversation* c = m_repository->find(conversationId);
        int used = 0;
        if (c)
            for (qint64 id : c->activePath())
                if (const Message* m = c->find(id); m && m->hasRecord) used = m->record.promptTokens + m->record.generatedTokens;
        m_contextUsed.insert(conversationId, used);
    }
    setNotice({});
    emit conversationChanged();
    emit canSendChanged();
    emit contextChanged();
}

bool ChatController::send(const QString& text) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || !canSend()) return false;
    if (!m_repository->find(m_conversationId)) newConversation();
    const Conversation* c = m_repository->find(m_conversationId);
    const QVector<qint64> path = c->activePath();
    const qint64 userId = m_repository->addMessage(m_conversationId, path.isEmpty() ? 0 : path.back(), MessageRole::User, trimmed);
    startReply(m_conversationId, userId);
    return true;
}

void ChatController::startReply(qint64 conversationId, qint64 parentId) {
    const Conversation* c = m_repository->find(conversationId);
    if (!c) return;
    GenerationJob job;
    job.id = m_nextJobId++;
    job.settings = c->settings;
    if (!c->settings.systemPrompt.trimmed().isEmpty())
        job.messages.push_back({"system", c->settings.systemPrompt.toStdString()});
    // The turns on the way to the parent, following parent links (the parent may be on any branch).
    QVector<const Message*> chain;
    for (const Message* m = c->find(parentId); m; m = c->find(m->parentId)) chain.prepend(m);
    for (const Message* m : chain)
        if (m->error.isEmpty() || !m->text.isEmpty())
            job.messages.push_back({roleName(m->role).toStdString(), m->text.toStdString()});

    const qint64 replyId = m_repository->addMessage(conversationId, parentId, MessageRole::Assistant, QString());
    m_job = {job.id, conversationId, replyId};
    m_pending.clear();
    m_messages.setStreamingMessage(conversationId, replyId);
    setNotice({});
    emit generatingChanged();
    emit canSendChanged();
    QMetaObject::invokeMethod(m_worker, [w = m_worker, job] { w->generate(job); }, Qt::QueuedConnection);
}

void ChatController::flushPending() {
    if (m_pending.isEmpty() || m_job.id == 0) return;
    m_repository->appendText(m_job.conversationId, m_job.messageId, m_pending);
    m_pending.clear();
}

void ChatController::finishJob(const GenerationRecord& record, const QString& error) {
    m_flushTimer.stop();
    flushPending();
    const Job done = m_job;
    m_job = {};
    m_repository->finishReply(done.conversationId, done.messageId, record, error);
    m_contextUsed[done.conversationId] = record.promptTokens + record.generatedTokens;
    m_messages.setStreamingMessage(0, 0);
    emit generatingChanged();
    emit canSendChanged();
    emit contextChanged();
    emit replyFinished(done.conversationId, done.messageId);
}

void ChatController::stop() {
    if (m_job.id != 0) m_worker->cancel(m_job.id);
}

void ChatController::regenerate(qint64 messageId) {
    const Conversation* c = m_repository->find(m_conversationId);
    const Message* m = c ? c->find(messageId) : nullptr;
    if (!m || m->role != MessageRole::Assistant || !canSend()) return;
    startReply(m_conversationId, m->parentId);
}

void ChatController::editMessage(qint64 messageId, const QString& text) {
    const Conversation* c = m_repository->find(m_conversationId);
    const Message* m = c ? c->find(messageId) : nullptr;
    const QString trimmed = text.trimmed();
    if (!m || m->role != MessageRole::User || trimmed.isEmpty() || trimmed == m->text) return;
    const qint64 parentId = m->parentId;
    if (!canSend()) {
        // Without a model the edit still becomes a branch; the reply can be regenerated later.
        m_repository->addMessage(m_conversationId, parentId, MessageRole::User, trimmed);
        return;
    }
    const qint64 edited = m_repository->addMessage(m_conversationId, parentId, MessageRole::User, trimmed);
    startReply(m_conversationId, edited);
}

void ChatController::selectSibling(qint64 messageId, int delta) { m_repository->selectSibling(m_conversationId, messageId, delta); }

void ChatController::deleteMessage(qint64 messageId) {
    if (m_job.id != 0 && m_job.conversationId == m_conversationId) {
        // Deleting the reply being written (or what it answers) stops it first.
        const Conversation* c = m_repository->find(m_conversationId);
        for (const Message* m = c ? c->find(m_job.messageId) : nullptr; m; m = c->find(m->parentId))
            if (m->id == messageId) {
                stop();
                return;
            }
    }
    m_repository->removeMessage(m_conversationId, messageId);
}

void ChatController::copyText(const QString& text) {
    if (QGuiApplication::clipboard()) QGuiApplication::clipboard()->setText(text);
}

void ChatController::copyMessage(qint64 messageId) {
    const Conversation* c = m_repository->find(m_conversationId);
    if (const Message* m = c ? c->find(messageId) : nullptr) copyText(m->text);
}

bool ChatController::copyLastReply() {
    const Conversation* c = m_repository->find(m_conversationId);
    if (!c) return false;
    const QVector<qint64> path = c->activePath();
    for (auto it = path.rbegin(); it != path.rend(); ++it)
        if (const Message* m = c->find(*it); m->role == MessageRole::Assistant && !m->text.isEmpty()) {
            copyText(m->text);
            return true;
        }
    return false;
}

void ChatController::revealMessage(qint64 conversationId, qint64 messageId) {
    openConversation(conversationId);
    if (messageId == 0) return;
    m_repository->selectPathTo(conversationId, messageId);
    const int row = m_messages.rowOf(messageId);
    if (row >= 0) emit messageRevealed(row);
}

void ChatController::setSetting(const QString& name, const QVariant& value) {
    const Conversation* c = m_repository->find(m_conversationId);
    if (!c) return;
    ConversationSettings s = c->settings;
    if (name == QLatin1String("systemPrompt")) s.systemPrompt = value.toString();
    else if (name == QLatin1String("temperature")) s.temperature = value.toDouble();
    else if (name == QLatin1String("topP")) s.topP = value.toDouble();
    else if (name == QLatin1String("topK")) s.topK = value.toInt();
    else if (name == QLatin1String("minP")) s.minP = value.toDouble();
    else if (name == QLatin1String("repeatPenalty")) s.repeatPenalty = value.toDouble();
    else if (name == QLatin1String("maxTokens")) s.maxTokens = value.toInt();
    else if (name == QLatin1String("contextSize")) s.contextSize = value.toInt();
    else if (name == QLatin1String("seed")) s.seed = value.toLongLong();
    else {
        qWarning("unknown conversation setting '%s'", qPrintable(name));
        return;
    }
    m_repository->setSettings(m_conversationId, s);
    emit contextChanged();
}

void ChatController::resetSettingsToDefaults() {
    if (m_repository->find(m_conversationId)) m_repository->setSettings(m_conversationId, m_settings->conversationDefaults());
    emit contextChanged();
}

void ChatController::setConversationModel(const QString& path) {
    if (m_repository->find(m_conversationId)) m_repository->setModelPath(m_conversationId, path);
    if (path != m_models->loadedPath()) m_models->load(path);
}

void ChatController::renameConversation(qint64 conversationId, const QString& title) { m_repository->rename(conversationId, title); }

void ChatController::setPinned(qint64 conversationId, bool pinned) { m_repository->setPinned(conversationId, pinned); }

void ChatController::deleteConversation(qint64 conversationId) {
    if (m_job.id != 0 && m_job.conversationId == conversationId) stop();
    m_repository->remove(conversationId);
    if (conversationId == m_conversationId) m_messages.setConversation(0);
}

qint64 ChatController::undoDelete() {
    const qint64 id = m_repository->restore();
    if (id != 0) openConversation(id);
    return id;
}

}  // namespace confidant::app
