// The app's translations: compiled from resources/translations/*.ts by lrelease at build time and
// embedded under :/i18n; the one for the user's locale is installed at start-up.
#pragma once

#include <QLocale>

class QCoreApplication;
class QTranslator;

namespace confidant::app {

// Loads the translation that best matches `locale` into `translator` (English, the source
// language, when there is none closer); false when no translation is embedded at all.
bool loadTranslation(QTranslator& translator, const QLocale& locale);

}  // namespace confidant::app
