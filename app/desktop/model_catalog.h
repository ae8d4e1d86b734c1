// The GGUF files in the models folders, described from their metadata (read on a worker thread):
// name, architecture, parameter count, quantization, file size and trained context length.
#pragma once

#include <QAbstractListModel>
#include <QFutureWatcher>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace confidant::app {

struct ModelFileInfo {
    QString path;
    QString fileName;
    QString folder;
    QString name;
    QString architecture;
    qint64 parameters = 0;
    QString quantization;  // the tensor type holding most of the weights
    qint64 sizeBytes = 0;
    int contextLength = 0;
    bool hasChatTemplate = false;
    QString error;  // why the file cannot be read, if it cannot
};

// Reads one file's header (any thread).
ModelFileInfo describeModelFile(const QString& path);
// Every *.gguf directly inside the folders (any thread).
QVector<ModelFileInfo> scanModelFolders(const QStringList& folders);
QString humanSize(qint64 bytes);
QString humanCount(qint64 count);

class ModelCatalog : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the model manager")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool scanning READ scanning NOTIFY scanningChanged)
public:
    enum Role {
        PathRole = Qt::UserRole + 1,  // path: QString
        FileNameRole,                 // fileName: QString
        FolderRole,                   // folder: QString
        NameRole,                     // name: QString (general.name, else the file name)
        ArchitectureRole,             // architecture: QString
        ParametersRole,               // parameters: QString, e.g. "1.10 B"
        QuantizationRole,             // quantization: QString, e.g. "Q4_K"
        SizeRole,                     // size: QString, e.g. "637.8 MiB"
        ContextLengthRole,            // contextLength: int
        HasChatTemplateRole,          // hasChatTemplate: bool
        ErrorRole,                    // error: QString
    };
    Q_ENUM(Role)

    explicit ModelCatalog(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool scanning() const { return m_watcher.isRunning(); }
    // The files of `folders`, less those in `hidden` (absolute paths).
    void rescan(const QStringList& folders, const QStringList& hidden = {});
    const ModelFileInfo* find(const QString& path) const;
    Q_INVOKABLE int rowOf(const QString& path) const;

signals:
    void countChanged();
    void scanningChanged();
    void scanned();

private:
    QVector<ModelFileInfo> m_models;
    QFutureWatcher<QVector<ModelFileInfo>> m_watcher;
    QStringList m_queuedFolders;  // a rescan asked for while one runs
    QStringList m_queuedHidden;
};

}  // namespace confidant::app
