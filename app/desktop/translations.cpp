// Picking the embedded translation for a locale.
#include "translations.h"

#include <QTranslator>

namespace confidant::app {

bool loadTranslation(QTranslator& translator, const QLocale& locale) {
    // QTranslator tries each of the locale's UI languages (e.g. de_AT, de) before the fallback.
    if (translator.load(locale, QStringLiteral("confidant"), QStringLiteral("_"), QStringLiteral(":/i18n"))) return true;
    return translator.load(QStringLiteral("confidant_en"), QStringLiteral(":/i18n"));
}

}  // namespace confidant::app
