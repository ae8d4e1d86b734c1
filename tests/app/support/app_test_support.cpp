// Test-data lookup for the Qt-side tests.
#include "app_test_support.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace confidant::testing {

QString appTestDataFile(const QString& relative) {
    const QByteArray env = qgetenv("CONFIDANT_TESTDATA");
    const QString root = env.isEmpty() ? QStringLiteral(CONFIDANT_DEFAULT_TESTDATA) : QString::fromLocal8Bit(env);
    const QString path = QDir(root).absoluteFilePath(relative);
    return QFileInfo::exists(path) ? path : QString();
}

bool appTestDataRequired() { return qgetenv("CONFIDANT_REQUIRE_TESTDATA") == "1"; }

bool linkInto(const QString& folder, const QString& target, const QString& name) {
    QDir().mkpath(folder);
    return QFile::link(target, QDir(folder).filePath(name));
}

}  // namespace confidant::testing
