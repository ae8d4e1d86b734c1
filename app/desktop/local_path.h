// QML file dialogs hand over file:// URLs, while tests and the command line pass plain paths.
#pragma once

#include <QString>
#include <QUrl>

namespace confidant::app {

// The local file path of `fileOrUrl`, whichever of the two it is.
inline QString localPath(const QString& fileOrUrl) {
    const QUrl url(fileOrUrl);
    return url.isLocalFile() ? url.toLocalFile() : fileOrUrl;
}

}  // namespace confidant::app
