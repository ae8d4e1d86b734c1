// `confidant --check-dialogs`: opens every file and folder dialog of the loaded UI in turn, checks
// that each one shows, closes it and reports. The first click of a new user ("Import a model
// file…") once crashed the installed app because the QML fallback dialog's own imports were not
// installed; the package test runs this against the installed package in a session without a
// platform theme (so the QML fallback is what opens), and the app tests against the build tree.
#pragma once

#include <QStringList>

class QQmlApplicationEngine;

namespace confidant::app {

// The objectNames of the dialogs the check expects: a dialog added to the UI without an entry
// here, or an entry whose dialog disappeared, fails the check.
QStringList expectedFileDialogs();

// Runs the check asynchronously on the engine's root objects; exits the application with 0 when
// every expected dialog opened and closed, 1 otherwise (naming the culprits on stderr).
void startDialogCheck(QQmlApplicationEngine& engine);

}  // namespace confidant::app
