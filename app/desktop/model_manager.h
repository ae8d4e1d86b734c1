// The models page's controller: the catalog of model files, importing and removing them, and the
// loaded model's state (loading with its stage, the device it runs on, or why it failed). Loading
// happens on the inference worker's thread; a GPU failure is reported with an offer to use the
// CPU, never silently replaced by it.
#pragma once

#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include "inference_worker.h"
#include "model_catalog.h"

namespace confidant::app {

class Settings;

class ModelManager : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the App")
    Q_PROPERTY(confidant::app::ModelCatalog* catalog READ catalog CONSTANT)
    Q_PROPERTY(bool loaded READ loaded NOTIFY stateChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY stateChanged)
    Q_PROPERTY(QString loadingPath READ loadingPath NOTIFY stateChanged)
    Q_PROPERTY(QString loadStage READ loadStage NOTIFY stateChanged)
    Q_PROPERTY(QString loadedPath READ loadedPath NOTIFY stateChanged)
    Q_PROPERTY(QString loadedName READ loadedName NOTIFY stateChanged)
    Q_PROPERTY(QString backend READ backend NOTIFY stateChanged)
    Q_PROPERTY(QString device READ device NOTIFY stateChanged)
    Q_PROPERTY(int trainedContext READ trainedContext NOTIFY stateChanged)
    Q_PROPERTY(QString promptFormat READ promptFormat NOTIFY stateChanged)
    Q_PROPERTY(QString formatNote READ formatNote NOTIFY stateChanged)
    Q_PROPERTY(QString templateSource READ templateSource NOTIFY stateChanged)
    Q_PROPERTY(bool templateOverridden READ templateOverridden NOTIFY stateChanged)
    Q_PROPERTY(double loadSeconds READ loadSeconds NOTIFY stateChanged)
    Q_PROPERTY(QString deviceNote READ deviceNote NOTIFY stateChanged)
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
    Q_PROPERTY(bool offerCpu READ offerCpu NOTIFY stateChanged)
    Q_PROPERTY(QString failedPath READ failedPath NOTIFY stateChanged)
    Q_PROPERTY(bool importing READ importing NOTIFY importingChanged)
    Q_PROPERTY(double importProgress READ importProgress NOTIFY importProgressChanged)
public:
    ModelManager(Settings* settings, InferenceWorker* worker, QObject* parent = nullptr);

    ModelCatalog* catalog() { return &m_catalog; }
    bool loaded() const { return !m_info.path.isEmpty(); }
    bool loading() const { return !m_loadingPath.isEmpty(); }
    QString loadingPath() const { return m_loadingPath; }
    QString loadStage() const { return m_loadStage; }
    QString loadedPath() const { return m_info.path; }
    QString loadedName() const { return m_info.name; }
    QString backend() const { return m_info.backend; }
    QString device() const { return m_info.device; }
    QString deviceNote() const { return m_info.deviceNote; }
    int trainedContext() const { return m_info.trainedContext; }
    QString promptFormat() const { return m_info.promptFormat; }
    QString formatNote() const { return m_info.formatNote; }
    QString templateSource() const { return m_info.templateSource; }
    bool templateOverridden() const;
    double loadSeconds() const { return m_info.seconds; }
    QString error() const { return m_error; }
    bool offerCpu() const { return m_offerCpu; }
    QString failedPath() const { return m_failedPath; }
    bool importing() const { return m_importing; }
    double importProgress() const { return m_importProgress; }

    Q_INVOKABLE void rescan();
    // Loads with the device chosen in Settings.
    Q_INVOKABLE void load(const QString& path);
    // Loads on the CPU: what the user chooses after a GPU failure, or always when Settings say CPU.
    Q_INVOKABLE void loadOnCpu(const QString& path);
    Q_INVOKABLE void unload();
    // Copies (or symlinks) a GGUF file into the models folder, off the UI thread.
    Q_INVOKABLE void importFile(const QString& fileOrUrl, bool link);
    // "Remove": a file in Confidant's own models folder (downloaded or imported there) is deleted,
    // unloading it first when it is loaded; a file in a folder the user added is only taken off
    // the list (Settings::hiddenModelFiles) and never deleted. False when nothing was removed.
    Q_INVOKABLE bool removeFile(const QString& path);
    // Whether removeFile would delete the file (it lies directly in the own models folder).
    Q_INVOKABLE bool deletesFile(const QString& path) const;
    Q_INVOKABLE void clearError();
    // The loaded model's chat template: `source` replaces it (remembered per model file); an empty
    // source goes back to the model's own.
    Q_INVOKABLE void setTemplateOverride(const QString& source);

signals:
    void stateChanged();
    void importingChanged();
    void importProgressChanged();
    void importFinished(const QString& path, const QString& error);
    void modelLoaded();  // a model is ready for generation

private:
    void startLoad(const QString& path, DevicePreference device);
    void watchFolders();

    // The models folders are watched: a file copied in by hand appears without Rescan. Changes
    // come in bursts while a file is written, so they are gathered for a moment.
    QFileSystemWatcher m_folderWatcher;
    QTimer m_rescanTimer;

    Settings* m_settings;
    InferenceWorker* m_worker;
    ModelCatalog m_catalog;
    LoadedModelInfo m_info;
    QString m_loadingPath;
    QString m_loadStage;
    QString m_error;
    QString m_failedPath;
    bool m_offerCpu = false;
    bool m_importing = false;
    double m_importProgress = 0.0;
};

}  // namespace confidant::app
