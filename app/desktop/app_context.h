// The App singleton QML sees: settings, conversations, search, the chat, the models and
// export/import, built for
// one data folder and one models folder. It owns the inference worker's thread. main() (or a test)
// creates exactly one before loading QML; QML reaches it as `App`.
#pragma once

#include <QObject>
#include <QThread>
#include <QtQml/qqmlregistration.h>

#include <memory>

#include "chat_controller.h"
#include "conversation_list_model.h"
#include "conversation_repository.h"
#include "model_manager.h"
#include "search_model.h"
#include "settings.h"
#include "transfer_controller.h"

class QQmlEngine;
class QJSEngine;

namespace confidant::app {

class AppContext : public QObject {
    Q_OBJECT
    QML_NAMED_ELEMENT(App)
    QML_SINGLETON
    Q_PROPERTY(confidant::app::Settings* settings READ settings CONSTANT)
    Q_PROPERTY(confidant::app::ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(confidant::app::SearchModel* search READ search CONSTANT)
    Q_PROPERTY(confidant::app::ChatController* chat READ chat CONSTANT)
    Q_PROPERTY(confidant::app::ModelManager* models READ models CONSTANT)
    Q_PROPERTY(confidant::app::TransferController* transfer READ transfer CONSTANT)
    Q_PROPERTY(QString version READ version CONSTANT)
    Q_PROPERTY(QString storeError READ storeError NOTIFY storeErrorChanged)
    Q_PROPERTY(bool storeDamaged READ storeDamaged NOTIFY storeErrorChanged)
public:
    AppContext(const QString& dataFolder, const QString& modelsFolder, QObject* parent = nullptr);
    ~AppContext() override;

    // The instance QML gets (set by the constructor).
    static AppContext* instance() { return s_instance; }
    static AppContext* create(QQmlEngine*, QJSEngine*);

    Settings* settings() { return &m_settings; }
    ConversationListModel* conversations() { return m_conversations.get(); }
    SearchModel* search() { return m_search.get(); }
    ChatController* chat() { return m_chat.get(); }
    ModelManager* models() { return m_models.get(); }
    TransferController* transfer() { return m_transfer.get(); }
    ConversationRepository* repository() { return m_repository.get(); }
    InferenceWorker* worker() { return m_worker; }
    QString version() const;
    QString storeError() const { return m_storeError; }
    // The database file is not a usable store (not SQLite, or damaged): it can be moved aside.
    bool storeDamaged() const { return m_storeDamaged; }
    // Renames the damaged database aside (nothing is deleted); a fresh store is created at the
    // next start. The outcome replaces storeError.
    Q_INVOKABLE void moveDamagedStoreAside();
    Q_INVOKABLE void dismissStoreError();

    // Scans the models folders and loads the default model, if one is set.
    Q_INVOKABLE void start();

signals:
    void storeErrorChanged();

private:
    static AppContext* s_instance;
    Settings m_settings;
    QThread m_workerThread;
    InferenceWorker* m_worker = nullptr;  // lives on m_workerThread
    std::unique_ptr<ConversationRepository> m_repository;
    QString m_storePath;
    QString m_storeError;
    bool m_storeDamaged = false;
    std::unique_ptr<ModelManager> m_models;
    std::unique_ptr<ChatController> m_chat;
    std::unique_ptr<ConversationListModel> m_conversations;
    std::unique_ptr<SearchModel> m_search;
    std::unique_ptr<TransferController> m_transfer;
};

}  // namespace confidant::app
