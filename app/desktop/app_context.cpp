// AppContext: wiring the controllers together and the worker thread's lifetime.
#include "app_context.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJSEngine>
#include <QQmlEngine>

#include "sqlite_conversation_store.h"

namespace confidant::app {

AppContext* AppContext::s_instance = nullptr;

AppContext::AppContext(const QString& dataFolder, const QString& modelsFolder, QObject* parent)
    : QObject(parent), m_settings(dataFolder, modelsFolder) {
    Q_ASSERT(!s_instance);
    s_instance = this;
    m_worker = new InferenceWorker;
    m_worker->moveToThread(&m_workerThread);
    connect(&m_workerThread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_workerThread.setObjectName(QStringLiteral("confidant-inference"));
    m_workerThread.start();

    m_storePath = dataFolder + QStringLiteral("/confidant.db");
    auto store = std::make_unique<SqliteConversationStore>(m_storePath);
    SqliteConversationStore* sqliteStore = store.get();
    m_repository = std::make_unique<ConversationRepository>(std::move(store));
    m_storeError = m_repository->loadError();
    m_storeDamaged = sqliteStore->damaged();
    m_models = std::make_unique<ModelManager>(&m_settings, m_worker);
    m_chat = std::make_unique<ChatController>(m_repository.get(), m_models.get(), &m_settings, m_worker);
    m_conversations = std::make_unique<ConversationListModel>(m_repository.get());
    m_search = std::make_unique<SearchModel>(m_repository.get());
    m_transfer = std::make_unique<TransferController>(m_repository.get());
    connect(m_models.get(), &ModelManager::modelLoaded, this, [this] { m_settings.setDefaultModel(m_models->loadedPath()); });
}

AppContext::~AppContext() {
    m_chat->stop();
    m_workerThread.quit();
    m_workerThread.wait();
    m_repository->flush();
    m_settings.sync();
    s_instance = nullptr;
}

AppContext* AppContext::create(QQmlEngine*, QJSEngine*) {
    Q_ASSERT(s_instance);
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

void AppContext::moveDamagedStoreAside() {
    if (!m_storeDamaged) return;
    QString error;
    const QString moved = SqliteConversationStore::moveAside(m_storePath, &error);
    m_storeError = moved.isEmpty()
        ? tr("Could not move the damaged conversation database aside: %1").arg(error)
        : tr("Moved the damaged conversation database to %1. Restart Confidant to start a new one.").arg(moved);
    m_storeDamaged = false;
    emit storeErrorChanged();
}

void AppContext::dismissStoreError() {
    m_storeError.clear();
    m_storeDamaged = false;
    emit storeErrorChanged();
}

QString AppContext::version() const { return QCoreApplication::applicationVersion(); }

void AppContext::start() {
    m_chat->openConversation(m_settings.lastConversation());
    m_models->rescan();
    const QString model = m_settings.defaultModel();
    if (!model.isEmpty() && QFileInfo::exists(model)) m_models->load(model);
}

}  // namespace confidant::app
