// Settings: folders and the conversation defaults.
#include "settings.h"

#include <QDir>
#include <QUrl>

namespace confidant::app {

Settings::Settings(QString dataFolder, QString modelsFolder, QObject* parent)
    : QObject(parent),
      m_dataFolder(std::move(dataFolder)),
      m_modelsFolder(std::move(modelsFolder)),
      m_settings(m_dataFolder + QStringLiteral("/settings.ini"), QSettings::IniFormat) {
    QDir().mkpath(m_dataFolder);
    QDir().mkpath(m_modelsFolder);
}

QStringList Settings::modelFolders() const {
    QStringList folders{m_modelsFolder};
    for (const QString& f : extraModelFolders())
        if (!folders.contains(f)) folders << f;
    return folders;
}

void Settings::addModelFolder(const QString& folderOrUrl) {
    const QUrl url(folderOrUrl);
    const QString folder = QDir::cleanPath(url.isLocalFile() ? url.toLocalFile() : folderOrUrl);
    if (folder.isEmpty() || modelFolders().contains(folder)) return;
    setExtraModelFolders(extraModelFolders() << folder);
}

void Settings::removeModelFolder(const QString& folder) {
    QStringList folders = extraModelFolders();
    if (folders.removeAll(folder) > 0) setExtraModelFolders(folders);
}

void Settings::resetGenerationDefaults() {
    const ConversationSettings d;
    setTemperature(d.temperature);
    setTopP(d.topP);
    setTopK(d.topK);
    setMinP(d.minP);
    setRepeatPenalty(d.repeatPenalty);
    setMaxTokens(d.maxTokens);
    setContextSize(d.contextSize);
}

static QString templateKey(const QString& modelPath) {
    return QStringLiteral("templates/") + QString::fromLatin1(modelPath.toUtf8().toBase64(QByteArray::Base64UrlEncoding));
}

QString Settings::templateOverride(const QString& modelPath) const { return m_settings.value(templateKey(modelPath)).toString(); }

void Settings::setTemplateOverride(const QString& modelPath, const QString& source) {
    if (source.trimmed().isEmpty()) m_settings.remove(templateKey(modelPath));
    else m_settings.setValue(templateKey(modelPath), source);
}

ConversationSettings Settings::conversationDefaults() const {
    ConversationSettings s;
    s.systemPrompt = systemPrompt();
    s.temperature = temperature();
    s.topP = topP();
    s.topK = topK();
    s.minP = minP();
    s.repeatPenalty = repeatPenalty();
    s.maxTokens = maxTokens();
    s.contextSize = contextSize();
    return s;
}

}  // namespace confidant::app
