// App-wide settings (theme, font, defaults for new conversations, device, folders, window
// geometry), persisted as <data>/settings.ini. Lives on the UI thread.
#pragma once

#include <QObject>
#include <QRect>
#include <QSettings>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include "conversation.h"

namespace confidant::app {

#define CONFIDANT_SETTING(Type, name, Name)                                 \
    Q_PROPERTY(Type name READ name WRITE set##Name NOTIFY name##Changed)     \
public:                                                                     \
    Type name() const { return m_settings.value(QStringLiteral(#name), default##Name()).value<Type>(); } \
    void set##Name(const Type& value) {                                     \
        if (value == name()) return;                                        \
        m_settings.setValue(QStringLiteral(#name), value);                  \
        emit name##Changed();                                               \
    }                                                                       \
    Q_SIGNAL void name##Changed();                                          \
                                                                            \
private:

class Settings : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Settings belong to the App")
    CONFIDANT_SETTING(QString, theme, Theme)              // "system", "light", "dark"
    CONFIDANT_SETTING(int, fontSize, FontSize)            // points of the body text
    CONFIDANT_SETTING(QString, defaultModel, DefaultModel)  // path loaded at start-up, if any
    CONFIDANT_SETTING(QString, device, Device)            // "auto" (a real GPU, else the CPU), "gpu", "cpu"
    CONFIDANT_SETTING(int, gpuIndex, GpuIndex)            // -1: the best GPU
    CONFIDANT_SETTING(QString, systemPrompt, SystemPrompt)
    CONFIDANT_SETTING(double, temperature, Temperature)
    CONFIDANT_SETTING(double, topP, TopP)
    CONFIDANT_SETTING(int, topK, TopK)
    CONFIDANT_SETTING(double, minP, MinP)
    CONFIDANT_SETTING(double, repeatPenalty, RepeatPenalty)
    CONFIDANT_SETTING(int, maxTokens, MaxTokens)
    CONFIDANT_SETTING(int, contextSize, ContextSize)
    CONFIDANT_SETTING(QStringList, extraModelFolders, ExtraModelFolders)
    // Files in folders the user added that "Remove" took off the list (never deleted: the folder
    // may be another application's).
    CONFIDANT_SETTING(QStringList, hiddenModelFiles, HiddenModelFiles)
    CONFIDANT_SETTING(QRect, windowGeometry, WindowGeometry)
    CONFIDANT_SETTING(bool, windowMaximized, WindowMaximized)
    CONFIDANT_SETTING(qint64, lastConversation, LastConversation)  // reopened at start-up
    Q_PROPERTY(QString dataFolder READ dataFolder CONSTANT)
    Q_PROPERTY(QString modelsFolder READ modelsFolder CONSTANT)
    Q_PROPERTY(QStringList modelFolders READ modelFolders NOTIFY extraModelFoldersChanged)

public:
    Settings(QString dataFolder, QString modelsFolder, QObject* parent = nullptr);

    QString dataFolder() const { return m_dataFolder; }
    QString modelsFolder() const { return m_modelsFolder; }
    QStringList modelFolders() const;  // the main models folder first, then the added ones

    Q_INVOKABLE void addModelFolder(const QString& folderOrUrl);
    Q_INVOKABLE void removeModelFolder(const QString& folder);
    Q_INVOKABLE void resetGenerationDefaults();
    // The user's chat template for a model file (empty: none).
    QString templateOverride(const QString& modelPath) const;
    void setTemplateOverride(const QString& modelPath, const QString& source);

    // The defaults a new conversation starts with.
    ConversationSettings conversationDefaults() const;
    void sync() { m_settings.sync(); }

private:
    static QString defaultTheme() { return QStringLiteral("system"); }
    static int defaultFontSize() { return 11; }
    static QString defaultDefaultModel() { return {}; }
    static QString defaultDevice() { return QStringLiteral("auto"); }
    static int defaultGpuIndex() { return -1; }
    static QString defaultSystemPrompt() { return {}; }
    static double defaultTemperature() { return ConversationSettings{}.temperature; }
    static double defaultTopP() { return ConversationSettings{}.topP; }
    static int defaultTopK() { return ConversationSettings{}.topK; }
    static double defaultMinP() { return ConversationSettings{}.minP; }
    static double defaultRepeatPenalty() { return ConversationSettings{}.repeatPenalty; }
    static int defaultMaxTokens() { return ConversationSettings{}.maxTokens; }
    static int defaultContextSize() { return ConversationSettings{}.contextSize; }
    static QStringList defaultExtraModelFolders() { return {}; }
    static QStringList defaultHiddenModelFiles() { return {}; }
    static QRect defaultWindowGeometry() { return {}; }
    static bool defaultWindowMaximized() { return false; }
    static qint64 defaultLastConversation() { return 0; }

    QString m_dataFolder;
    QString m_modelsFolder;
    QSettings m_settings;
};

#undef CONFIDANT_SETTING

}  // namespace confidant::app
