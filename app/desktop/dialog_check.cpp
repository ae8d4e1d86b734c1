// startDialogCheck: finds the QtQuick.Dialogs FileDialog and FolderDialog objects by class name,
// opens each one, waits (event loop running, bounded) for it to become visible, and closes it.
#include "dialog_check.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QMetaObject>
#include <QQmlApplicationEngine>
#include <QTimer>
#include <QVariant>

#include <cstdio>

namespace confidant::app {

QStringList expectedFileDialogs() {
    return {QStringLiteral("importModelDialog"),         QStringLiteral("exportConversationDialog"),
            QStringLiteral("exportAllFolderDialog"),     QStringLiteral("exportAllFileDialog"),
            QStringLiteral("importConversationsDialog"), QStringLiteral("addModelsFolderDialog")};
}

namespace {

bool isFileOrFolderDialog(const QObject* object) {
    for (const QMetaObject* m = object->metaObject(); m != nullptr; m = m->superClass()) {
        const QLatin1String name(m->className());
        if (name == QLatin1String("QQuickFileDialog") || name == QLatin1String("QQuickFolderDialog")) return true;
    }
    return false;
}

// Waits with the event loop running until `done` holds or the bound passes.
template <typename Predicate>
bool waitFor(Predicate done, int boundMs) {
    QDeadlineTimer deadline(boundMs);
    while (!done()) {
        if (deadline.hasExpired()) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return true;
}

int runCheck(QQmlApplicationEngine& engine) {
    QList<QObject*> dialogs;
    for (QObject* root : engine.rootObjects())
        for (QObject* object : root->findChildren<QObject*>())
            if (isFileOrFolderDialog(object)) dialogs.append(object);

    QStringList missing = expectedFileDialogs();
    int failures = 0;
    for (QObject* dialog : dialogs) {
        const QString name = dialog->objectName();
        if (!missing.removeOne(name)) {
            std::fprintf(stderr, "check-dialogs: a dialog not in the expected list: \"%s\" (%s); name it and list it in dialog_check.cpp\n",
                         qPrintable(name), qPrintable(dialog->property("title").toString()));
            ++failures;
            continue;
        }
        QMetaObject::invokeMethod(dialog, "open");
        if (!waitFor([dialog] { return dialog->property("visible").toBool(); }, 10000)) {
            std::fprintf(stderr, "check-dialogs: %s did not open\n", qPrintable(name));
            ++failures;
            continue;
        }
        waitFor([] { return false; }, 200);  // let it lay out and load its folder model
        QMetaObject::invokeMethod(dialog, "close");
        if (!waitFor([dialog] { return !dialog->property("visible").toBool(); }, 10000)) {
            std::fprintf(stderr, "check-dialogs: %s did not close\n", qPrintable(name));
            ++failures;
            continue;
        }
        std::printf("check-dialogs: %s opened and closed\n", qPrintable(name));
    }
    for (const QString& name : missing) {
        std::fprintf(stderr, "check-dialogs: no dialog named %s in the UI\n", qPrintable(name));
        ++failures;
    }
    std::fflush(stdout);
    return failures == 0 ? 0 : 1;
}

}  // namespace

void startDialogCheck(QQmlApplicationEngine& engine) {
    // After the window is shown, so the dialogs open as they would on a first click.
    QTimer::singleShot(500, &engine, [&engine] { QCoreApplication::exit(runCheck(engine)); });
}

}  // namespace confidant::app
