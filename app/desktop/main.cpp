// confidant: the desktop app. Starts the QML engine on the Confidant UI module.
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QtQml/QQmlExtensionPlugin>

#include "confidant_version.h"

Q_IMPORT_QML_PLUGIN(ConfidantPlugin)

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("Confidant"));
    QGuiApplication::setOrganizationName(QStringLiteral("Confidant"));
    QGuiApplication::setApplicationVersion(QStringLiteral(CONFIDANT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Private, offline desktop assistant"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    QQuickStyle::setStyle(QStringLiteral("Basic"));
    QQmlApplicationEngine engine;
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
                     Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/Confidant/Main.qml")));
    return app.exec();
}
