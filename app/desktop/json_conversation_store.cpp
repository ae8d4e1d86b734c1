// JSON (de)serialization of conversations and the writer thread behind JsonConversationStore.
#include "json_conversation_store.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QtDebug>

namespace confidant::app {

// Lives on the store's thread; every slot runs there, in the order the calls were queued.
class JsonFileWriter : public QObject {
public:
    void write(const QString& path, const QByteArray& bytes) {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            qWarning("cannot write the conversation file %s: %s", qPrintable(path), qPrintable(file.errorString()));
    }
    void remove(const QString& path) { QFile::remove(path); }
};

namespace {

QJsonObject recordToJson(const GenerationRecord& r) {
    return QJsonObject{{"promptTokens", r.promptTokens},
                       {"reusedPromptTokens", r.reusedPromptTokens},
                       {"generatedTokens", r.generatedTokens},
                       {"timeToFirstToken", r.timeToFirstToken},
                       {"tokensPerSecond", r.tokensPerSecond},
                       {"finishReason", r.finishReason},
                       {"model", r.model},
                       {"backend", r.backend},
                       {"device", r.device},
                       {"droppedTurns", r.droppedTurns}};
}

GenerationRecord recordFromJson(const QJsonObject& o) {
    GenerationRecord r;
    r.promptTokens = o.value("promptTokens").toInt();
    r.reusedPromptTokens = o.value("reusedPromptTokens").toInt();
    r.generatedTokens = o.value("generatedTokens").toInt();
    r.timeToFirstToken = o.value("timeToFirstToken").toDouble();
    r.tokensPerSecond = o.value("tokensPerSecond").toDouble();
    r.finishReason = o.value("finishReason").toString();
    r.model = o.value("model").toString();
    r.backend = o.value("backend").toString();
    r.device = o.value("device").toString();
    r.droppedTurns = o.value("droppedTurns").toInt();
    return r;
}

QJsonObject settingsToJson(const ConversationSettings& s) {
    return QJsonObject{{"systemPrompt", s.systemPrompt}, {"temperature", s.temperature}, {"topP", s.topP},
                       {"topK", s.topK},                 {"minP", s.minP},               {"repeatPenalty", s.repeatPenalty},
                       {"maxTokens", s.maxTokens},       {"contextSize", s.contextSize}, {"seed", double(s.seed)}};
}

ConversationSettings settingsFromJson(const QJsonObject& o) {
    ConversationSettings s;
    s.systemPrompt = o.value("systemPrompt").toString();
    s.temperature = o.value("temperature").toDouble(s.temperature);
    s.topP = o.value("topP").toDouble(s.topP);
    s.topK = o.value("topK").toInt(s.topK);
    s.minP = o.value("minP").toDouble(s.minP);
    s.repeatPenalty = o.value("repeatPenalty").toDouble(s.repeatPenalty);
    s.maxTokens = o.value("maxTokens").toInt(s.maxTokens);
    s.contextSize = o.value("contextSize").toInt(s.contextSize);
    s.seed = qint64(o.value("seed").toDouble(-1));
    return s;
}

}  // namespace

QJsonObject conversationToJson(const Conversation& c) {
    QJsonArray messages;
    for (const Message& m : c.messages) {
        QJsonObject o{{"id", double(m.id)},
                      {"parentId", double(m.parentId)},
                      {"role", roleName(m.role)},
                      {"text", m.text},
                      {"created", m.created.toString(Qt::ISODateWithMs)}};
        if (m.hasRecord) o.insert("generation", recordToJson(m.record));
        if (!m.error.isEmpty()) o.insert("error", m.error);
        messages.append(o);
    }
    QJsonObject selected;
    for (auto it = c.selectedChild.constBegin(); it != c.selectedChild.constEnd(); ++it)
        selected.insert(QString::number(it.key()), double(it.value()));
    return QJsonObject{{"format", "confidant-conversation"},
                       {"version", 1},
                       {"id", double(c.id)},
                       {"title", c.title},
                       {"titleFromUser", c.titleFromUser},
                       {"pinned", c.pinned},
                       {"created", c.created.toString(Qt::ISODateWithMs)},
                       {"updated", c.updated.toString(Qt::ISODateWithMs)},
                       {"model", c.modelPath},
                       {"settings", settingsToJson(c.settings)},
                       {"selectedChild", selected},
                       {"messages", messages}};
}

Conversation conversationFromJson(const QJsonObject& o) {
    Conversation c;
    c.id = qint64(o.value("id").toDouble());
    c.title = o.value("title").toString();
    c.titleFromUser = o.value("titleFromUser").toBool();
    c.pinned = o.value("pinned").toBool();
    c.created = QDateTime::fromString(o.value("created").toString(), Qt::ISODateWithMs);
    c.updated = QDateTime::fromString(o.value("updated").toString(), Qt::ISODateWithMs);
    c.modelPath = o.value("model").toString();
    c.settings = settingsFromJson(o.value("settings").toObject());
    const QJsonObject selected = o.value("selectedChild").toObject();
    for (auto it = selected.begin(); it != selected.end(); ++it)
        c.selectedChild.insert(it.key().toLongLong(), qint64(it.value().toDouble()));
    for (const QJsonValue& v : o.value("messages").toArray()) {
        const QJsonObject mo = v.toObject();
        Message m;
        m.id = qint64(mo.value("id").toDouble());
        m.parentId = qint64(mo.value("parentId").toDouble());
        m.role = roleFromName(mo.value("role").toString());
        m.text = mo.value("text").toString();
        m.created = QDateTime::fromString(mo.value("created").toString(), Qt::ISODateWithMs);
        if (mo.contains("generation")) {
            m.hasRecord = true;
            m.record = recordFromJson(mo.value("generation").toObject());
        }
        m.error = mo.value("error").toString();
        c.messages.push_back(m);
    }
    return c;
}

JsonConversationStore::JsonConversationStore(QString folder) : m_folder(std::move(folder)) {
    QDir().mkpath(m_folder);
    m_writer = new JsonFileWriter;
    m_writer->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_writer, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("confidant-store"));
    m_thread.start();
}

JsonConversationStore::~JsonConversationStore() {
    m_thread.quit();  // queued writes run before the thread's event loop ends
    m_thread.wait();
}

QString JsonConversationStore::pathFor(qint64 conversationId) const {
    return m_folder + QStringLiteral("/conversation-%1.json").arg(conversationId);
}

QVector<Conversation> JsonConversationStore::loadAll(QString* error) {
    QVector<Conversation> all;
    const QDir dir(m_folder);
    if (!dir.exists()) {
        if (error) *error = QObject::tr("The conversations folder %1 does not exist and cannot be created.").arg(m_folder);
        return all;
    }
    for (const QString& name : dir.entryList({QStringLiteral("conversation-*.json")}, QDir::Files)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly)) continue;
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
        if (doc.isObject()) {
            all.push_back(conversationFromJson(doc.object()));
        } else {
            qWarning("skipping the unreadable conversation file %s: %s", qPrintable(file.fileName()),
                     qPrintable(parseError.errorString()));
        }
    }
    return all;
}

void JsonConversationStore::save(const Conversation& conversation) {
    const QByteArray bytes = QJsonDocument(conversationToJson(conversation)).toJson(QJsonDocument::Compact);
    const QString path = pathFor(conversation.id);
    QMetaObject::invokeMethod(m_writer, [w = m_writer, path, bytes] { w->write(path, bytes); }, Qt::QueuedConnection);
}

void JsonConversationStore::remove(qint64 conversationId) {
    const QString path = pathFor(conversationId);
    QMetaObject::invokeMethod(m_writer, [w = m_writer, path] { w->remove(path); }, Qt::QueuedConnection);
}

void JsonConversationStore::flush() {
    QMetaObject::invokeMethod(m_writer, [] {}, Qt::BlockingQueuedConnection);
}

}  // namespace confidant::app
