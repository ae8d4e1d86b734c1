// Helpers for the Qt-side tests: finding the shared test data (skipping, or failing under
// CONFIDANT_REQUIRE_TESTDATA=1, when it is missing) and preparing a temporary models folder.
#pragma once

#include <QString>
#include <QTest>

namespace confidant::testing {

// $CONFIDANT_TESTDATA/<relative>, else the build-time default; empty when the file is missing.
QString appTestDataFile(const QString& relative);
bool appTestDataRequired();

// Makes <folder>/<name> a symbolic link to `target` (the test data is never copied).
bool linkInto(const QString& folder, const QString& target, const QString& name);

}  // namespace confidant::testing

// Declares `var` as the path of a test-data file, or ends the test (skip, or fail in CI).
#define CONFIDANT_QT_TESTDATA_FILE(var, relative)                                          \
    const QString var = ::confidant::testing::appTestDataFile(QStringLiteral(relative));   \
    if (var.isEmpty()) {                                                                   \
        if (::confidant::testing::appTestDataRequired()) QFAIL("missing test data: " relative); \
        QSKIP("test data not found: " relative " (set CONFIDANT_TESTDATA)");              \
    }
