// ModelManager: load state from the worker's signals, and file import/removal on a pool thread.
#include "model_manager.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <algorithm>
#include <QtConcurrent>

#include "local_path.h"
#include "settings.h"

namespace confidant::app {

ModelManager::ModelManager(Settings* settings, InferenceWorker* worker, QObject* parent)
    : QObject(parent), m_settings(settings), m_worker(worker) {
    connect(worker, &InferenceWorker::loadProgress, this, [this](const QString& path, const QString& stage) {
        if (path != m_loadingPath) return;
        m_loadStage = stage;
        emit stateChanged();
    });
    connect(worker, &InferenceWorker::modelLoaded, this, [this](const LoadedModelInfo& info) {
        m_info = info;
        m_loadingPath.clear();
        m_loadStage.clear();
        m_error.clear();
        m_offerCpu = false;
        m_failedPath.clear();
        emit stateChanged();
        emit modelLoaded();
    });
    connect(worker, &InferenceWorker::loadFailed, this, [this](const QString& path, const QString& message, bool gpuFailed) {
        m_info = {};
        m_loadingPath.clear();
        m_loadStage.clear();
        m_error = message;
        m_failedPath = path;
        m_offerCpu = gpuFailed;
        emit stateChanged();
    });
    connect(worker, &InferenceWorker::modelUnloaded, this, [this] {
        m_info = {};
        emit stateChanged();
    });
    connect(settings, &Settings::extraModelFoldersChanged, this, &ModelManager::rescan);
    connect(settings, &Settings::hiddenModelFilesChanged, this, &ModelManager::rescan);
    m_rescanTimer.setSingleShot(true);
    m_rescanTimer.setInterval(700);
    connect(&m_rescanTimer, &QTimer::timeout, this, &ModelManager::rescan);
    connect(&m_folderWatcher, &QFileSystemWatcher::directoryChanged, &m_rescanTimer, qOverload<>(&QTimer::start));
}

void ModelManager::watchFolders() {
    const QStringList folders = m_settings->modelFolders();
    const QStringList watched = m_folderWatcher.directories();
    for (const QString& f : watched)
        if (!folders.contains(f)) m_folderWatcher.removePath(f);
    for (const QString& f : folders)
        if (!watched.contains(f) && QFileInfo(f).isDir()) m_folderWatcher.addPath(f);
}

void ModelManager::rescan() {
    watchFolders();
    m_catalog.rescan(m_settings->modelFolders(), m_settings->hiddenModelFiles());
}

void ModelManager::startLoad(const QString& fileOrUrl, DevicePreference device) {
    const QString path = localPath(fileOrUrl);
    m_loadingPath = path;
    m_loadStage = tr("Starting");
    m_error.clear();
    m_offerCpu = false;
    m_failedPath.clear();
    m_info = {};
    emit stateChanged();
    const LoadRequest request{path, device, m_settings->gpuIndex(), m_settings->templateOverride(path)};
    QMetaObject::invokeMethod(m_worker, [w = m_worker, request] { w->loadModel(request); }, Qt::QueuedConnection);
}

void ModelManager::load(const QString& path) {
    const QString device = m_settings->device();
    startLoad(path, device == QLatin1String("cpu")   ? DevicePreference::Cpu
                    : device == QLatin1String("gpu") ? DevicePreference::Gpu
                                                     : DevicePreference::Automatic);
}

void ModelManager::loadOnCpu(const QString& path) { startLoad(path, DevicePreference::Cpu); }

void ModelManager::unload() {
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->unloadModel(); }, Qt::QueuedConnection);
}

bool ModelManager::templateOverridden() const { return loaded() && !m_settings->templateOverride(m_info.path).isEmpty(); }

void ModelManager::setTemplateOverride(const QString& source) {
    if (!loaded()) return;
    m_settings->setTemplateOverride(m_info.path, source);
    QMetaObject::invokeMethod(m_worker, [w = m_worker, source] { w->setTemplateOverride(source); }, Qt::QueuedConnection);
}

void ModelManager::clearError() {
    m_error.clear();
    m_offerCpu = false;
    m_failedPath.clear();
    emit stateChanged();
}

void ModelManager::importFile(const QString& fileOrUrl, bool link) {
    if (m_importing) return;
    const QString source = localPath(fileOrUrl);
    const QString target = QDir(m_settings->modelsFolder()).filePath(QFileInfo(source).fileName());
    m_importing = true;
    m_importProgress = 0.0;
    emit importingChanged();
    emit importProgressChanged();
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::progressValueChanged, this, [this](int permille) {
        m_importProgress = permille / 1000.0;
        emit importProgressChanged();
    });
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, target] {
        const QString error = watcher->result();
        watcher->deleteLater();
        m_importing = false;
        emit importingChanged();
        emit importFinished(target, error);
        rescan();
    });
    watcher->setFuture(QtConcurrent::run([source, target, link](QPromise<QString>& promise) {
        promise.setProgressRange(0, 1000);
        if (!source.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) {
            promise.addResult(tr("%1 is not a GGUF model file.").arg(source));
            return;
        }
        if (QFileInfo::exists(target)) {
            promise.addResult(tr("The models folder already has a file named %1.").arg(QFileInfo(target).fileName()));
            return;
        }
        if (link) {
            promise.addResult(QFile::link(source, target) ? QString() : tr("Cannot create a link at %1.").arg(target));
            return;
        }
        QFile in(source), out(target + QStringLiteral(".part"));
        if (!in.open(QIODevice::ReadOnly)) {
            promise.addResult(tr("Cannot read %1: %2").arg(source, in.errorString()));
            return;
        }
        if (!out.open(QIODevice::WriteOnly)) {
            promise.addResult(tr("Cannot write %1: %2").arg(out.fileName(), out.errorString()));
            return;
        }
        const qint64 total = std::max<qint64>(1, in.size());
        QByteArray buffer(4 << 20, Qt::Uninitialized);
        qint64 copied = 0;
        for (;;) {
            const qint64 n = in.read(buffer.data(), buffer.size());
            if (n < 0 || (n > 0 && out.write(buffer.constData(), n) != n)) {
                out.remove();
                promise.addResult(tr("Copying %1 failed: %2").arg(source, out.errorString()));
                return;
            }
            if (n == 0) break;
            copied += n;
            promise.setProgressValue(int(copied * 1000 / total));
        }
        out.close();
        if (!out.rename(target)) {
            out.remove();
            promise.addResult(tr("Cannot move the copy to %1.").arg(target));
            return;
        }
        promise.addResult(QString());
    }));
}

bool ModelManager::deletesFile(const QString& path) const {
    const QFileInfo file(localPath(path));
    return QDir(file.absolutePath()) == QDir(m_settings->modelsFolder());
}

bool ModelManager::removeFile(const QString& fileOrUrl) {
    const QString absolute = QFileInfo(localPath(fileOrUrl)).absoluteFilePath();
    const QString folder = QFileInfo(absolute).absolutePath();
    const QStringList folders = m_settings->modelFolders();  // one list: begin and end of the same object
    const bool inModelsFolders =
        std::any_of(folders.cbegin(), folders.cend(), [&folder](const QString& f) { return QDir(f) == QDir(folder); });
    if (!inModelsFolders) return false;
    if (absolute == m_info.path) unload();
    if (!deletesFile(absolute)) {
        QStringList hidden = m_settings->hiddenModelFiles();
        if (!hidden.contains(absolute)) m_settings->setHiddenModelFiles(hidden << absolute);  // rescans
        return true;
    }
    const bool removed = QFile::remove(absolute);
    rescan();
    return removed;
}

}  // namespace confidant::app
