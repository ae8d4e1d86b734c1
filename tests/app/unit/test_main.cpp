// Runs every registered Qt Test class under one QGuiApplication (clipboard and Qt Quick need it).
#include <QGuiApplication>
#include <QTest>

#include "test_registry.h"

namespace confidant::testing {

std::vector<RegisteredTest>& registeredTests() {
    static std::vector<RegisteredTest> tests;
    return tests;
}

}  // namespace confidant::testing

int main(int argc, char** argv) {
    QGuiApplication app(argc, argv);
    QStringList args = app.arguments();
    QString only;
    if (const qsizetype at = args.indexOf(QStringLiteral("-class")); at >= 0 && at + 1 < args.size()) {
        only = args[at + 1];
        args.remove(at, 2);
    }
    int failed = 0;
    for (const auto& test : confidant::testing::registeredTests()) {
        if (!only.isEmpty() && only != QLatin1String(test.name)) continue;
        auto object = test.create();
        failed += QTest::qExec(object.get(), args) != 0 ? 1 : 0;
    }
    return failed;
}
