// confidant: the desktop app. Parses the command line, creates the App and loads the Confidant UI.
#include <QCommandLineParser>
#include <QDir>
#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QTranslator>
#include <QtQml/QQmlExtensionPlugin>

#include "app_context.h"
#include "confidant_version.h"
#include "dialog_check.h"
#include "translations.h"

Q_IMPORT_QML_PLUGIN(Confidant_CorePlugin)
Q_IMPORT_QML_PLUGIN(ConfidantPlugin)

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Confidant"));
    QGuiApplication::setOrganizationName(QStringLiteral("Confidant"));
    QGuiApplication::setApplicationVersion(QStringLiteral(CONFIDANT_VERSION));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/Confidant/icons/confidant.png")));

    QTranslator translator;
    if (confidant::app::loadTranslation(translator, QLocale())) QCoreApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Private, offline desktop assistant"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dataDir(QStringLiteral("data-dir"), QStringLiteral("Folder for conversations and settings."),
                                     QStringLiteral("folder"));
    const QCommandLineOption modelsDir(QStringLiteral("models-dir"), QStringLiteral("Main folder of GGUF models."),
                                       QStringLiteral("folder"));
    const QCommandLineOption checkDialogs(QStringLiteral("check-dialogs"),
                                          QStringLiteral("Open every file and folder dialog in turn, then quit (a self-test)."));
    parser.addOption(dataDir);
    parser.addOption(modelsDir);
    parser.addOption(checkDialogs);
    parser.process(app);

    const QString data = parser.isSet(dataDir)
                             ? QDir(parser.value(dataDir)).absolutePath()
                             : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/Confidant");
    const QString models = parser.isSet(modelsDir) ? QDir(parser.value(modelsDir)).absolutePath() : data + QStringLiteral("/models");

    confidant::app::AppContext context(data, models);
    QQuickStyle::setStyle(QStringLiteral("Basic"));
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
                     Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Confidant/Main.qml")));
    context.start();
    if (parser.isSet(checkDialogs)) confidant::app::startDialogCheck(engine);
    return app.exec();
}
