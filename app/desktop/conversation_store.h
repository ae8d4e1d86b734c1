// Where conversations persist. The app keeps the open conversations in memory (ConversationRepository)
// and hands each change to a ConversationStore; the SQLite store of storage/ plugs in behind this
// interface. Contract: save() and remove() must not block the caller on disk I/O.
#pragma once

#include <QString>
#include <QVector>

#include "conversation.h"

namespace confidant::app {

class ConversationStore {
public:
    virtual ~ConversationStore() = default;
    // Everything stored, read once at start-up. An error message says why the store is unusable.
    virtual QVector<Conversation> loadAll(QString* error) = 0;
    virtual void save(const Conversation& conversation) = 0;
    virtual void remove(qint64 conversationId) = 0;
    // Blocks until every queued write has reached the disk (shutdown, tests).
    virtual void flush() = 0;
    virtual QString location() const = 0;
};

}  // namespace confidant::app
