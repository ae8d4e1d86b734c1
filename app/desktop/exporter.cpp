// The export formats.
#include "exporter.h"

#include <QJsonDocument>

#include "json_conversation_store.h"

namespace confidant::app {

bool exportFormatFromName(const QString& name, ExportFormat* format) {
    const QString n = name.toLower();
    if (n == QLatin1String("markdown") || n == QLatin1String("md")) *format = ExportFormat::Markdown;
    else if (n == QLatin1String("html")) *format = ExportFormat::Html;
    else if (n == QLatin1String("text") || n == QLatin1String("txt")) *format = ExportFormat::Text;
    else if (n == QLatin1String("json")) *format = ExportFormat::Json;
    else return false;
    return true;
}

QString exportFileSuffix(ExportFormat format) {
    switch (format) {
        case ExportFormat::Markdown: return QStringLiteral("md");
        case ExportFormat::Html: return QStringLiteral("html");
        case ExportFormat::Text: return QStringLiteral("txt");
        case ExportFormat::Json: return QStringLiteral("json");
    }
    return QStringLiteral("txt");
}

namespace {

QString speaker(MessageRole role) {
    switch (role) {
        case MessageRole::System: return QObject::tr("System");
        case MessageRole::User: return QObject::tr("You");
        case MessageRole::Assistant: return QObject::tr("Assistant");
    }
    return {};
}

}  // namespace

QByteArray exportConversation(const Conversation& c, ExportFormat format) {
    if (format == ExportFormat::Json) return QJsonDocument(conversationToJson(c)).toJson(QJsonDocument::Indented);
    QString out;
    const QVector<qint64> path = c.activePath();
    switch (format) {
        case ExportFormat::Markdown:
            out += QStringLiteral("# %1\n\n").arg(c.title);
            if (!c.settings.systemPrompt.isEmpty()) out += QStringLiteral("> %1\n\n").arg(c.settings.systemPrompt);
            for (qint64 id : path) {
                const Message* m = c.find(id);
                out += QStringLiteral("## %1\n\n%2\n\n").arg(speaker(m->role), m->text);
            }
            break;
        case ExportFormat::Text:
            out += c.title + QStringLiteral("\n\n");
            for (qint64 id : path) {
                const Message* m = c.find(id);
                out += QStringLiteral("%1:\n%2\n\n").arg(speaker(m->role), m->text);
            }
            break;
        case ExportFormat::Html:
            out += QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%1</title>"
                                  "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}"
                                  "pre{white-space:pre-wrap}.user{background:#eef}</style></head><body>\n<h1>%1</h1>\n")
                       .arg(c.title.toHtmlEscaped());
            for (qint64 id : path) {
                const Message* m = c.find(id);
                out += QStringLiteral("<section class=\"%1\"><h2>%2</h2><pre>%3</pre></section>\n")
                           .arg(roleName(m->role), speaker(m->role), m->text.toHtmlEscaped());
            }
            out += QStringLiteral("</body></html>\n");
            break;
        case ExportFormat::Json: break;
    }
    return out.toUtf8();
}

}  // namespace confidant::app
