// One conversation as Markdown, HTML, plain text or JSON (the JSON keeps the whole message tree and
// imports back; the others show the selected branch).
#pragma once

#include <QByteArray>
#include <QString>

#include "conversation.h"

namespace confidant::app {

enum class ExportFormat { Markdown, Html, Text, Json };

// "markdown"/"md", "html", "text"/"txt", "json"; false when the name is unknown.
bool exportFormatFromName(const QString& name, ExportFormat* format);
QString exportFileSuffix(ExportFormat format);
QByteArray exportConversation(const Conversation& conversation, ExportFormat format);

}  // namespace confidant::app
