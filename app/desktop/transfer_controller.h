// Export and import from the UI: one conversation or all of them (Markdown, HTML, text, JSON), and
// our JSON or ChatGPT's conversations.json back in. The work runs on the store's thread through
// storage's exporters and importers; this controller shows progress and the outcome. One
// operation at a time.
#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

#include "conversation_repository.h"

namespace confidant::app {

class TransferController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the App")
    Q_PROPERTY(bool busy READ busy NOTIFY stateChanged)
    // 0..1 while files are written one by one; -1 when the step has no measurable progress.
    Q_PROPERTY(double progress READ progress NOTIFY stateChanged)
    // What is happening now, or how the last operation ended (success or the error).
    Q_PROPERTY(QString status READ status NOTIFY stateChanged)
    Q_PROPERTY(bool failed READ failed NOTIFY stateChanged)
public:
    explicit TransferController(ConversationRepository* repository, QObject* parent = nullptr);

    bool busy() const { return m_busy; }
    double progress() const { return m_progress; }
    QString status() const { return m_status; }
    bool failed() const { return m_failed; }

    // `fileOrUrl` is a path or a file:// URL (what file dialogs give).
    Q_INVOKABLE void exportConversation(qint64 conversationId, const QString& format, const QString& fileOrUrl);
    // JSON: one file; Markdown, HTML, text: one file per conversation in the folder `fileOrUrl`.
    Q_INVOKABLE void exportAll(const QString& format, const QString& fileOrUrl);
    Q_INVOKABLE void importFile(const QString& fileOrUrl);
    Q_INVOKABLE void dismiss();
    // The file name suffix for a format name ("md" for "markdown"), empty when unknown.
    Q_INVOKABLE QString suffixFor(const QString& format) const;

signals:
    void stateChanged();
    void exportFinished(const QString& path, const QString& error);
    void importFinished(const QString& path, int imported, const QString& error);

private:
    bool begin(const QString& status);
    void end(const QString& status, bool failed);
    // The bar at done / total (indeterminate when total is 0) and the line under it.
    void showProgress(int done, int total, const QString& status);

    ConversationRepository* m_repository;
    bool m_busy = false;
    double m_progress = -1;
    QString m_status;
    bool m_failed = false;
};

}  // namespace confidant::app
