// "Remove" on a model: a file in a folder the user added is taken off the list and kept on disk;
// only a file in Confidant's own models folder is deleted. The folders are watched: a file copied
// in appears without Rescan.
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app_context.h"
#include "model_manager.h"
#include "settings.h"
#include "test_registry.h"

using namespace confidant::app;

namespace {

void writeFile(const QString& path) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not really a model");  // listed with its read error; enough for the list
}

QStringList listed(ModelCatalog* catalog) {
    QStringList paths;
    for (int i = 0; i < catalog->rowCount(); ++i)
        paths << catalog->data(catalog->index(i), ModelCatalog::PathRole).toString();
    return paths;
}

bool waitForListed(ModelCatalog* catalog, const QString& path, bool present) {
    return QTest::qWaitFor([&] { return !catalog->scanning() && listed(catalog).contains(path) == present; }, 10000);
}

}  // namespace

class ModelRemovalTest : public QObject {
    Q_OBJECT
private slots:
    void removeDeletesOnlyInTheOwnFolder() {
        QTemporaryDir dir;
        const QString own = dir.path() + "/models", other = dir.path() + "/other-app-models";
        QVERIFY(QDir().mkpath(own) && QDir().mkpath(other));
        writeFile(own + "/mine.gguf");
        writeFile(other + "/theirs.gguf");
        AppContext app(dir.path() + "/data", own);
        ModelManager* models = app.models();
        app.settings()->addModelFolder(other);
        models->rescan();
        QVERIFY(waitForListed(models->catalog(), other + "/theirs.gguf", true));
        QVERIFY(listed(models->catalog()).contains(own + "/mine.gguf"));

        QVERIFY(!models->deletesFile(other + "/theirs.gguf"));
        QVERIFY(models->deletesFile(own + "/mine.gguf"));
        QVERIFY(models->removeFile(other + "/theirs.gguf"));
        QVERIFY(waitForListed(models->catalog(), other + "/theirs.gguf", false));
        QVERIFY2(QFile::exists(other + "/theirs.gguf"), "a file in a folder the user added was deleted");

        QVERIFY(models->removeFile(QUrl::fromLocalFile(own + "/mine.gguf").toString()));
        QVERIFY(!QFile::exists(own + "/mine.gguf"));
        QVERIFY(waitForListed(models->catalog(), own + "/mine.gguf", false));

        // Outside every models folder: refused, nothing touched.
        writeFile(dir.path() + "/elsewhere.gguf");
        QVERIFY(!models->removeFile(dir.path() + "/elsewhere.gguf"));
        QVERIFY(QFile::exists(dir.path() + "/elsewhere.gguf"));
    }

    void newFilesAppearWithoutRescan() {
        QTemporaryDir dir;
        const QString own = dir.path() + "/models";
        QVERIFY(QDir().mkpath(own));
        AppContext app(dir.path() + "/data", own);
        app.models()->rescan();
        QVERIFY(QTest::qWaitFor([&] { return !app.models()->catalog()->scanning(); }, 10000));
        writeFile(own + "/copied-in.gguf");
        QVERIFY(waitForListed(app.models()->catalog(), own + "/copied-in.gguf", true));
    }
};

CONFIDANT_REGISTER_TEST(ModelRemovalTest);
#include "model_removal_test.moc"
