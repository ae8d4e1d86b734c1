// ModelCatalog: scanning folders off the UI thread and describing GGUF headers.
#include "model_catalog.h"

#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QtConcurrent>

#include <map>

#include "gguf_file.h"

namespace confidant::app {

using namespace confidant::inference;

QString humanSize(qint64 bytes) { return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat); }

QString humanCount(qint64 count) {
    const char* units[] = {"", " K", " M", " B", " T"};
    double n = double(count);
    int u = 0;
    while (n >= 1000 && u < 4) {
        n /= 1000;
        ++u;
    }
    return u == 0 ? QString::number(count) : QString::number(n, 'f', n < 10 ? 2 : 1) + QLatin1String(units[u]);
}

ModelFileInfo describeModelFile(const QString& path) {
    ModelFileInfo info;
    const QFileInfo fi(path);
    info.path = fi.absoluteFilePath();
    info.fileName = fi.fileName();
    info.folder = fi.absolutePath();
    info.sizeBytes = fi.size();
    info.name = fi.completeBaseName();
    auto opened = GgufFile::open(path.toStdString());
    if (!opened) {
        info.error = QString::fromStdString(opened.error().message);
        return info;
    }
    const GgufFile& file = **opened;
    if (auto arch = file.getString("general.architecture"); arch) {
        info.architecture = QString::fromStdString(*arch);
        if (auto ctx = file.getUInt(*arch + ".context_length"); ctx) info.contextLength = int(*ctx);
    }
    // Some converters write the architecture as the name ("llama"); the file name says more then.
    if (auto name = file.getString("general.name"); name && !name->empty() && QString::fromStdString(*name) != info.architecture)
        info.name = QString::fromStdString(*name);
    std::map<std::string, uint64_t> elementsByType;
    for (const GgufTensorInfo& t : file.tensors()) {
        info.parameters += qint64(t.elementCount);
        if (t.dims.size() >= 2) elementsByType[std::string(tensorTypeName(t.type))] += t.elementCount;
    }
    uint64_t most = 0;
    for (const auto& [type, elements] : elementsByType)
        if (elements > most) {
            most = elements;
            info.quantization = QString::fromStdString(type);
        }
    info.hasChatTemplate = file.has("tokenizer.chat_template");
    return info;
}

QVector<ModelFileInfo> scanModelFolders(const QStringList& folders) {
    QVector<ModelFileInfo> models;
    for (const QString& folder : folders) {
        const QDir dir(folder);
        for (const QFileInfo& fi : dir.entryInfoList({QStringLiteral("*.gguf")}, QDir::Files | QDir::Readable, QDir::Name))
            models.push_back(describeModelFile(fi.absoluteFilePath()));
    }
    return models;
}

ModelCatalog::ModelCatalog(QObject* parent) : QAbstractListModel(parent) {
    connect(&m_watcher, &QFutureWatcher<QVector<ModelFileInfo>>::finished, this, [this] {
        QVector<ModelFileInfo> found = m_watcher.result();
        // A rescan replaces the whole list: a new set of files, not an edit of rows.
        beginResetModel();
        m_models = std::move(found);
        endResetModel();
        emit countChanged();
        if (!m_queuedFolders.isEmpty()) {
            rescan(std::exchange(m_queuedFolders, {}), std::exchange(m_queuedHidden, {}));
            return;
        }
        emit scanningChanged();
        emit scanned();
    });
}

void ModelCatalog::rescan(const QStringList& folders, const QStringList& hidden) {
    if (m_watcher.isRunning()) {
        m_queuedFolders = folders;
        m_queuedHidden = hidden;
        return;
    }
    m_watcher.setFuture(QtConcurrent::run([folders, hidden] {
        QVector<ModelFileInfo> found = scanModelFolders(folders);
        found.removeIf([&hidden](const ModelFileInfo& m) { return hidden.contains(QFileInfo(m.path).absoluteFilePath()); });
        return found;
    }));
    emit scanningChanged();
}

int ModelCatalog::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(m_models.size()); }

QVariant ModelCatalog::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    const ModelFileInfo& m = m_models[index.row()];
    switch (role) {
        case PathRole: return m.path;
        case FileNameRole: return m.fileName;
        case FolderRole: return m.folder;
        case Qt::DisplayRole:
        case NameRole: return m.name;
        case ArchitectureRole: return m.architecture;
        case ParametersRole: return humanCount(m.parameters);
        case QuantizationRole: return m.quantization;
        case SizeRole: return humanSize(m.sizeBytes);
        case ContextLengthRole: return m.contextLength;
        case HasChatTemplateRole: return m.hasChatTemplate;
        case ErrorRole: return m.error;
    }
    return {};
}

QHash<int, QByteArray> ModelCatalog::roleNames() const {
    return {{PathRole, "path"},
            {FileNameRole, "fileName"},
            {FolderRole, "folder"},
            {NameRole, "name"},
            {ArchitectureRole, "architecture"},
            {ParametersRole, "parameters"},
            {QuantizationRole, "quantization"},
            {SizeRole, "size"},
            {ContextLengthRole, "contextLength"},
            {HasChatTemplateRole, "hasChatTemplate"},
            {ErrorRole, "error"}};
}

const ModelFileInfo* ModelCatalog::find(const QString& path) const {
    for (const ModelFileInfo& m : m_models)
        if (m.path == path) return &m;
    return nullptr;
}

int ModelCatalog::rowOf(const QString& path) const {
    for (qsizetype i = 0; i < m_models.size(); ++i)
        if (m_models[i].path == path) return int(i);
    return -1;
}

}  // namespace confidant::app
