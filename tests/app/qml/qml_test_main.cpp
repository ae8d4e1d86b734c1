// Qt Quick tests of the QML components (tst_*.qml beside this file), run offscreen against the
// statically linked Confidant modules.
#include <QQmlEngine>
#include <QQuickStyle>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(ConfidantPlugin)
Q_IMPORT_QML_PLUGIN(Confidant_CorePlugin)

class Setup : public QObject {
    Q_OBJECT
public slots:
    void applicationAvailable() { QQuickStyle::setStyle(QStringLiteral("Basic")); }
    void qmlEngineAvailable(QQmlEngine* engine) { engine->addImportPath(QStringLiteral("qrc:/")); }
};

QUICK_TEST_MAIN_WITH_SETUP(confidant_qml, Setup)

#include "qml_test_main.moc"
