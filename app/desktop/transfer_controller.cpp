// TransferController: starting exports and imports on the store's thread and reporting them.
#include "transfer_controller.h"

#include "local_path.h"

namespace confidant::app {

TransferController::TransferController(ConversationRepository* repository, QObject* parent)
    : QObject(parent), m_repository(repository) {}

bool TransferController::begin(const QString& status) {
    if (m_busy) return false;
    m_busy = true;
    m_progress = -1;
    m_failed = false;
    m_status = status;
    emit stateChanged();
    return true;
}

void TransferController::end(const QString& status, bool failed) {
    m_busy = false;
    m_progress = failed ? -1 : 1;
    m_failed = failed;
    m_status = status;
    emit stateChanged();
}

void TransferController::dismiss() {
    if (m_busy) return;
    m_status.clear();
    m_failed = false;
    emit stateChanged();
}

QString TransferController::suffixFor(const QString& format) const {
    ExportFormat f;
    return exportFormatFromName(format, &f) ? exportFileSuffix(f) : QString();
}

void TransferController::exportConversation(qint64 conversationId, const QString& format, const QString& fileOrUrl) {
    const QString path = localPath(fileOrUrl);
    ExportFormat f;
    if (!exportFormatFromName(format, &f)) {
        emit exportFinished(path, tr("Unknown export format “%1”.").arg(format));
        return;
    }
    if (!m_repository->find(conversationId)) {
        emit exportFinished(path, tr("There is no such conversation."));
        return;
    }
    if (!begin(tr("Exporting to %1…").arg(path))) {
        emit exportFinished(path, tr("Another export or import is still running."));
        return;
    }
    m_repository->exportConversation(conversationId, f, path, this, [this, path](const QString& error) {
        end(error.isEmpty() ? tr("Exported to %1.").arg(path) : tr("Export failed: %1").arg(error), !error.isEmpty());
        emit exportFinished(path, error);
    });
}

void TransferController::exportAll(const QString& format, const QString& fileOrUrl) {
    const QString path = localPath(fileOrUrl);
    ExportFormat f;
    if (!exportFormatFromName(format, &f)) {
        emit exportFinished(path, tr("Unknown export format “%1”.").arg(format));
        return;
    }
    if (!begin(tr("Exporting every conversation to %1…").arg(path))) {
        emit exportFinished(path, tr("Another export or import is still running."));
        return;
    }
    m_repository->exportAll(
        f, path, this,
        [this](int done, int total) {
            showProgress(done, total, tr("Exported %1 of %2 conversations…").arg(done).arg(total));
        },
        [this, path](const QString& error) {
            end(error.isEmpty() ? tr("Exported every conversation to %1.").arg(path) : tr("Export failed: %1").arg(error),
                !error.isEmpty());
            emit exportFinished(path, error);
        });
}

void TransferController::importFile(const QString& fileOrUrl) {
    const QString path = localPath(fileOrUrl);
    if (!begin(tr("Importing %1…").arg(path))) {
        emit importFinished(path, 0, tr("Another export or import is still running."));
        return;
    }
    const auto progress = [this](int done, int total) {
        // Nothing is committed before the last one: the file goes in whole or not at all.
        showProgress(done, total, tr("Writing conversation %1 of %2…").arg(done).arg(total));
    };
    m_repository->importFile(path, this, progress, [this, path](const ImportSummary& summary, const QString& error) {
        if (!error.isEmpty()) {
            end(tr("Nothing was imported: %1").arg(error), true);
        } else if (summary.skipped > 0) {
            end(tr("Imported %n conversation(s); %1 already here were left as they were.", nullptr, summary.imported)
                    .arg(summary.skipped),
                false);
        } else {
            end(tr("Imported %n conversation(s).", nullptr, summary.imported), false);
        }
        emit importFinished(path, summary.imported, error);
    });
}

void TransferController::showProgress(int done, int total, const QString& status) {
    m_progress = total > 0 ? double(done) / total : -1;
    m_status = status;
    emit stateChanged();
}

}  // namespace confidant::app
