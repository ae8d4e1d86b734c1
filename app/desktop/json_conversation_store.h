// A ConversationStore that keeps one JSON file per conversation under <data>/conversations/ and
// writes them on its own thread (atomically, through QSaveFile). Stands in until the SQLite store
// of storage/ is wired in; the JSON layout is also the app's export format.
#pragma once

#include <QJsonObject>
#include <QThread>

#include "conversation_store.h"

namespace confidant::app {

class JsonFileWriter;

QJsonObject conversationToJson(const Conversation& conversation);
Conversation conversationFromJson(const QJsonObject& object);

class JsonConversationStore final : public ConversationStore {
public:
    explicit JsonConversationStore(QString folder);
    ~JsonConversationStore() override;

    QVector<Conversation> loadAll(QString* error) override;
    void save(const Conversation& conversation) override;
    void remove(qint64 conversationId) override;
    void flush() override;
    QString location() const override { return m_folder; }

private:
    QString pathFor(qint64 conversationId) const;
    QString m_folder;
    QThread m_thread;
    JsonFileWriter* m_writer = nullptr;  // lives on m_thread
};

}  // namespace confidant::app
