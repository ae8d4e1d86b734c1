// The translations are compiled at build time, embedded and loaded by locale: English (the
// source language, with its plural forms) for an English locale and as the fallback.
#include <QCoreApplication>
#include <QFile>
#include <QTest>
#include <QTranslator>

#include "test_registry.h"
#include "translations.h"

using namespace confidant::app;

class TranslationsTest : public QObject {
    Q_OBJECT
private slots:
    void theEnglishTranslationIsEmbedded() { QVERIFY(QFile::exists(QStringLiteral(":/i18n/confidant_en.qm"))); }

    void anEnglishLocaleLoadsItAndPluralsRead() {
        QTranslator translator;
        QVERIFY(loadTranslation(translator, QLocale(QLocale::English, QLocale::UnitedKingdom)));
        QCOMPARE(translator.language(), QStringLiteral("en"));
        QVERIFY(QCoreApplication::installTranslator(&translator));
        const char* context = "confidant::app::TransferController";
        QCOMPARE(QCoreApplication::translate(context, "Imported %n conversation(s).", nullptr, 1),
                 QStringLiteral("Imported 1 conversation."));
        QCOMPARE(QCoreApplication::translate(context, "Imported %n conversation(s).", nullptr, 3),
                 QStringLiteral("Imported 3 conversations."));
        QCoreApplication::removeTranslator(&translator);
    }

    void anotherLocaleFallsBackToEnglish() {
        QTranslator translator;
        QVERIFY(loadTranslation(translator, QLocale(QLocale::Japanese, QLocale::Japan)));
        QCOMPARE(translator.language(), QStringLiteral("en"));
    }
};

CONFIDANT_REGISTER_TEST(TranslationsTest);
#include "translations_test.moc"
