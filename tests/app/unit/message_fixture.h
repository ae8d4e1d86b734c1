// A message for hand-built conversation trees in the app's unit tests.
#pragma once

#include <QDateTime>

#include "conversation.h"

namespace confidant::app::testing {

inline Message message(qint64 id, qint64 parent, MessageRole role, const QString& text) {
    Message m;
    m.id = id;
    m.parentId = parent;
    m.role = role;
    m.text = text;
    m.created = QDateTime::currentDateTime();
    return m;
}

}  // namespace confidant::app::testing
