// The chat view's controller: the open conversation, sending, stopping, regenerating, editing,
// branch navigation and the context gauge. A generation belongs to the conversation and message it
// was started for, not to what is on screen, so switching conversations never misplaces a reply.
// Streamed text is appended to the message model at display rate (a 16 ms coalescing timer).
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include "inference_worker.h"
#include "message_list_model.h"

namespace confidant::app {

class ConversationRepository;
class ModelManager;
class Settings;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the App")
    Q_PROPERTY(confidant::app::MessageListModel* messages READ messages CONSTANT)
    // Ids reach QML as numbers: qmllint of Qt 6.4 does not know qlonglong properties.
    Q_PROPERTY(double conversationId READ conversationId NOTIFY conversationChanged)
    Q_PROPERTY(QString title READ title NOTIFY conversationChanged)
    Q_PROPERTY(bool pinned READ pinned NOTIFY conversationChanged)
    Q_PROPERTY(QVariantMap settings READ settings NOTIFY conversationChanged)
    Q_PROPERTY(QString modelPath READ modelPath NOTIFY conversationChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(double generatingConversationId READ generatingConversationId NOTIFY generatingChanged)
    Q_PROPERTY(bool canSend READ canSend NOTIFY canSendChanged)
    Q_PROPERTY(QString sendBlockedReason READ sendBlockedReason NOTIFY canSendChanged)
    Q_PROPERTY(int contextUsed READ contextUsed NOTIFY contextChanged)
    Q_PROPERTY(int contextSize READ contextSize NOTIFY contextChanged)
    Q_PROPERTY(QString notice READ notice NOTIFY noticeChanged)
public:
    ChatController(ConversationRepository* repository, ModelManager* models, Settings* settings, InferenceWorker* worker,
                   QObject* parent = nullptr);

    MessageListModel* messages() { return &m_messages; }
    qint64 conversationId() const { return m_conversationId; }
    QString title() const;
    bool pinned() const;
    QVariantMap settings() const;
    QString modelPath() const;
    bool generating() const { return m_job.id != 0; }
    qint64 generatingConversationId() const { return m_job.conversationId; }
    bool canSend() const { return sendBlockedReason().isEmpty(); }
    QString sendBlockedReason() const;
    int contextUsed() const;
    int contextSize() const;
    QString notice() const { return m_notice; }

    Q_INVOKABLE void newConversation();
    Q_INVOKABLE void openConversation(qint64 conversationId);
    // Sends a user message in the open conversation (creating one if none is open).
    Q_INVOKABLE bool send(const QString& text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE void regenerate(qint64 messageId);             // a reply: adds a sibling reply
    Q_INVOKABLE void editMessage(qint64 messageId, const QString& text);  // a user message: adds a branch
    Q_INVOKABLE void selectSibling(qint64 messageId, int delta);
    Q_INVOKABLE void deleteMessage(qint64 messageId);
    Q_INVOKABLE void copyMessage(qint64 messageId);
    Q_INVOKABLE void copyText(const QString& text);
    Q_INVOKABLE bool copyLastReply();
    // Opens the conversation and selects the branch holding the message; emits messageRevealed.
    Q_INVOKABLE void revealMessage(qint64 conversationId, qint64 messageId);
    Q_INVOKABLE void setSetting(const QString& name, const QVariant& value);
    Q_INVOKABLE void resetSettingsToDefaults();
    Q_INVOKABLE void setConversationModel(const QString& path);
    Q_INVOKABLE void renameConversation(qint64 conversationId, const QString& title);
    Q_INVOKABLE void setPinned(qint64 conversationId, bool pinned);
    Q_INVOKABLE void deleteConversation(qint64 conversationId);
    Q_INVOKABLE qint64 undoDelete();
    Q_INVOKABLE void dismissNotice();

    InferenceWorker* worker() const { return m_worker; }

signals:
    void conversationChanged();
    void generatingChanged();
    void canSendChanged();
    void contextChanged();
    void noticeChanged();
    void messageRevealed(int row);
    void replyFinished(qint64 conversationId, qint64 messageId);

private:
    struct Job {
        quint64 id = 0;
        qint64 conversationId = 0;
        qint64 messageId = 0;
    };
    // Adds an empty reply under `parentId` and asks the worker for it.
    void startReply(qint64 conversationId, qint64 parentId);
    void flushPending();
    void finishJob(const GenerationRecord& record, const QString& error);
    void setNotice(const QString& notice);

    ConversationRepository* m_repository;
    ModelManager* m_models;
    Settings* m_settings;
    InferenceWorker* m_worker;
    MessageListModel m_messages;
    qint64 m_conversationId = 0;
    Job m_job;
    quint64 m_nextJobId = 1;
    QString m_pending;  // streamed text not yet in the model
    QTimer m_flushTimer;
    QHash<qint64, int> m_contextUsed;  // conversation -> tokens after its last reply
    QString m_notice;
};

}  // namespace confidant::app
