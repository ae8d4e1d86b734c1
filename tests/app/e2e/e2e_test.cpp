// End to end: the real Confidant window (Main.qml, offscreen) over a temporary data folder with
// stories260K in its models folder, driven through simulated clicks and keys: load the model
// (accepting the CPU when the GPU path is unavailable), send a message, wait for the streamed
// reply, check it on screen and in the store, regenerate, switch branch, search (the store's FTS, jumping to a hit on the other branch),
// export Markdown (through storage's exporter).
// Also prints the UI thread's longest stall while the model loads and while the reply streams.
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QEventLoop>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include "app_context.h"
#include "app_test_support.h"
#include "conversations.h"
#include "message_tree.h"
#include "store.h"
#include "responsiveness_probe.h"

Q_IMPORT_QML_PLUGIN(ConfidantPlugin)
Q_IMPORT_QML_PLUGIN(Confidant_CorePlugin)

using namespace confidant::app;

namespace {

constexpr int kWaitMs = 30000;

QQuickItem* findItem(QQuickItem* root, const QString& name) {
    if (!root) return nullptr;
    if (root->objectName() == name && root->isVisible()) return root;
    for (QQuickItem* child : root->childItems())
        if (QQuickItem* found = findItem(child, name)) return found;
    return nullptr;
}

}  // namespace

class EndToEndTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<AppContext> m_app;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow* m_window = nullptr;

    QQuickItem* item(const QString& name) { return findItem(m_window->contentItem(), name); }
    QQuickItem* itemIn(QQuickItem* root, const QString& name) { return findItem(root, name); }

    void type(const QString& text) {
        for (const QChar c : text) QTest::keyClick(m_window, c.toLatin1());
    }

    // Layouts place items when the next frame is prepared (polish); wait for one so that a click
    // lands where the item will really be.
    void settle() {
        QSignalSpy swapped(m_window, &QQuickWindow::frameSwapped);
        m_window->update();
        swapped.wait(2000);
    }

    void click(QQuickItem* target) {
        settle();
        QVERIFY(target);
        const QPointF centre = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
        QTest::mouseClick(m_window, Qt::LeftButton, {}, centre.toPoint());
    }

private slots:
    void initTestCase() {
        CONFIDANT_QT_TESTDATA_FILE(model, "models/stories260K.gguf");
        QVERIFY(m_dir.isValid());
        QVERIFY(confidant::testing::linkInto(m_dir.path() + "/models", model, "stories260K.gguf"));
        m_app = std::make_unique<AppContext>(m_dir.path() + "/data", m_dir.path() + "/models");
        m_app->settings()->setTemperature(1.0);
        m_app->settings()->setMaxTokens(64);
        m_app->settings()->setContextSize(512);
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        m_engine = std::make_unique<QQmlApplicationEngine>();
        m_engine->addImportPath(QStringLiteral("qrc:/"));
        m_engine->load(QUrl(QStringLiteral("qrc:/Confidant/Main.qml")));
        QCOMPARE(m_engine->rootObjects().size(), 1);
        m_window = qobject_cast<QQuickWindow*>(m_engine->rootObjects().first());
        QVERIFY(m_window);
        m_window->resize(1100, 760);
        QVERIFY(QTest::qWaitForWindowExposed(m_window));
        m_app->start();
        QTRY_COMPARE_WITH_TIMEOUT(m_app->models()->catalog()->rowCount(), 1, kWaitMs);
    }

    void cleanupTestCase() {
        m_engine.reset();
        m_app.reset();
    }

    void emptyStateSaysHowToStart() {
        QQuickItem* reason = item("composerReason");
        QVERIFY(reason);
        QVERIFY(reason->property("text").toString().contains("No model"));
    }

    void loadTheModelFromTheModelsPage() {
        click(item("modelsNavButton"));
        QTRY_VERIFY(item("modelsPage"));
        QQuickItem* card = nullptr;
        QTRY_VERIFY((card = item("model_0")) != nullptr);
        QCOMPARE(card->property("fileName").toString(), QStringLiteral("stories260K.gguf"));
        QCOMPARE(card->property("name").toString(), QStringLiteral("stories260K"));
        QCOMPARE(card->property("architecture").toString(), QStringLiteral("llama"));

        click(itemIn(card, "loadButton"));
        ModelManager* models = m_app->models();
        QTRY_VERIFY_WITH_TIMEOUT(!models->loading() && (models->loaded() || models->offerCpu()), kWaitMs);
        if (models->offerCpu()) {
            // No usable GPU: the app said so; the user accepts the CPU.
            QVERIFY(item("loadStatusText")->property("text").toString().contains(models->error()));
            click(item("useCpuButton"));
            QTRY_VERIFY_WITH_TIMEOUT(models->loaded(), kWaitMs);
        }
        QVERIFY(item("loadStatusText")->property("text").toString().contains(models->device()));
        // Automatic on a machine whose only Vulkan device is a software one (lavapipe in CI): what
        // it chose, and why, is on the screen.
        if (!models->deviceNote().isEmpty())
            QVERIFY(item("loadStatusText")->property("text").toString().contains(models->deviceNote()));
    }

    void sendAMessageAndSeeTheReply() {
        click(item("chatsNavButton"));
        QQuickItem* input = nullptr;
        QTRY_VERIFY((input = item("composerInput")) != nullptr);
        QTRY_VERIFY(m_app->chat()->canSend());
        click(input);
        QTRY_VERIFY(input->hasActiveFocus());
        type(QStringLiteral("Hello there"));
        QCOMPARE(input->property("text").toString(), QStringLiteral("Hello there"));

        QTest::keyClick(m_window, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(m_app->chat()->conversationId() != 0 && !m_app->chat()->generating(), kWaitMs);

        const qint64 conversation = m_app->chat()->conversationId();
        QVERIFY(conversation != 0);
        const Conversation* c = m_app->repository()->find(conversation);
        QCOMPARE(c->messages.size(), 2);
        const QString reply = c->messages[1].text;
        QVERIFY(!reply.isEmpty());

        // On screen: the reply's delegate shows that text.
        QQuickItem* delegate = nullptr;
        QTRY_VERIFY((delegate = item("message_1")) != nullptr);
        QCOMPARE(delegate->property("text").toString(), reply);
        QQuickItem* prose = itemIn(delegate, "proseText");
        QVERIFY(prose);
        QVERIFY(prose->property("length").toInt() > 0);
        QCOMPARE(item("message_0")->property("text").toString(), QStringLiteral("Hello there"));
        QCOMPARE(item("chatTitle")->property("text").toString(), QStringLiteral("Hello there"));
        // The sidebar lists it under its recency section.
        QTRY_VERIFY(item("sectionHeader") && item("sectionHeader")->property("text").toString() == QStringLiteral("Today"));

        // In the store.
        m_app->repository()->flush();
        confidant::storage::OpenOptions options;
        options.recoverInterruptedReplies = false;  // a second connection next to the app's
        auto db = confidant::storage::openStore((m_app->settings()->dataFolder() + QStringLiteral("/confidant.db")).toStdString(), options);
        QVERIFY2(db.ok(), db.ok() ? "" : db.error().message.c_str());
        auto ids = confidant::storage::allConversationIds(*db);
        QVERIFY(ids.ok());
        bool found = false;
        for (const std::string& id : *ids) {
            auto data = confidant::storage::loadConversation(*db, id);
            QVERIFY(data.ok());
            if (data->messages.empty() || data->messages[0].content != "Hello there") continue;
            found = true;
            QCOMPARE(data->messages.size(), size_t(2));
            QCOMPARE(QString::fromStdString(data->messages[1].content), reply);
            QCOMPARE(data->messages[1].state, confidant::storage::MessageState::Complete);
        }
        QVERIFY(found);
    }

    void regenerateAndSwitchBranches() {
        QQuickItem* delegate = item("message_1");
        QVERIFY(delegate);
        const QString first = delegate->property("text").toString();
        click(itemIn(delegate, "regenerateButton"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_app->chat()->generating(), kWaitMs);
        QTRY_VERIFY((delegate = item("message_1")) != nullptr);
        QQuickItem* label = nullptr;
        QTRY_VERIFY((label = itemIn(delegate, "branchLabel")) != nullptr);
        QCOMPARE(label->property("text").toString(), QStringLiteral("2/2"));

        click(itemIn(delegate, "previousBranchButton"));
        QTRY_VERIFY((delegate = item("message_1")) != nullptr &&
                    itemIn(delegate, "branchLabel") &&
                    itemIn(delegate, "branchLabel")->property("text").toString() == QStringLiteral("1/2"));
        QCOMPARE(delegate->property("text").toString(), first);
    }

    // The search box runs the store's full-text search; a hit on the branch not shown opens the
    // conversation on that branch.
    void searchJumpsToTheMatchingMessage() {
        const qint64 conversation = m_app->chat()->conversationId();
        const Conversation* c = m_app->repository()->find(conversation);
        const QVector<qint64> replies = c->children(c->messages[0].id);
        QCOMPARE(replies.size(), 2);
        // A word of one reply that appears nowhere else (not in the other reply, not in a title).
        auto words = [](const QString& text) {
            QSet<QString> set;
            for (const QString& w : text.toLower().split(QRegularExpression(QStringLiteral("[^a-z0-9]+")), Qt::SkipEmptyParts))
                set.insert(w);
            return set;
        };
        const QSet<QString> elsewhere = words(QStringLiteral("Hello there New chat"));
        int target = -1;
        QString word;
        for (int i = 0; i < 2 && target < 0; ++i) {
            const QSet<QString> other = words(c->find(replies[1 - i])->text);
            for (const QString& w : words(c->find(replies[i])->text))
                if (w.size() >= 3 && !w.contains(QRegularExpression(QStringLiteral("[0-9]"))) && !other.contains(w) &&
                    !elsewhere.contains(w)) {
                    target = i;
                    word = w;
                    break;
                }
        }
        QVERIFY2(target >= 0, "the two replies use the same words");
        // Show the other branch first, so that the jump has to switch branches.
        QQuickItem* delegate = item("message_1");
        QVERIFY(delegate);
        if (target == 0) click(itemIn(delegate, "nextBranchButton"));
        const QString shownBranch = target == 0 ? QStringLiteral("2/2") : QStringLiteral("1/2");
        QTRY_VERIFY((delegate = item("message_1")) && itemIn(delegate, "branchLabel") &&
                    itemIn(delegate, "branchLabel")->property("text").toString() == shownBranch);

        QTest::keyClick(m_window, Qt::Key_N, Qt::ControlModifier);  // a new chat first
        QTRY_VERIFY(m_app->chat()->conversationId() != conversation);
        QTest::keyClick(m_window, Qt::Key_F, Qt::ControlModifier);
        QTRY_VERIFY(item("searchField") && item("searchField")->hasActiveFocus());
        type(word + QLatin1Char(' '));  // the space: the whole word, not a prefix
        QQuickItem* hit = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((hit = item("searchResult_0")) != nullptr && !m_app->search()->busy(), kWaitMs);
        QCOMPARE(m_app->search()->rowCount(), 1);
        QCOMPARE(hit->property("messageId").toLongLong(), replies[target]);
        QCOMPARE(hit->property("onSelectedBranch").toBool(), false);
        // The snippet is the store's, with the match highlighted.
        const QString snippet = itemIn(hit, "searchSnippet")->property("text").toString();
        QVERIFY2(snippet.contains(QRegularExpression(QStringLiteral("<b>") + word + QStringLiteral("</b>"),
                                                     QRegularExpression::CaseInsensitiveOption)),
                 qPrintable(snippet));
        click(hit);
        QTRY_COMPARE(m_app->chat()->conversationId(), conversation);
        QTRY_VERIFY((delegate = item("message_1")) && itemIn(delegate, "branchLabel") &&
                    itemIn(delegate, "branchLabel")->property("text").toString() ==
                        (target == 0 ? QStringLiteral("1/2") : QStringLiteral("2/2")));
        QCOMPARE(delegate->property("text").toString(), c->find(replies[target])->text);
        // Leave the search box empty again: the conversation list is back.
        click(item("searchField"));
        QTest::keyClick(m_window, Qt::Key_Escape);
        QTRY_VERIFY(item("conversationList") != nullptr);
    }

    // A measurement, not a test: the UI thread's longest stall while a 200-token reply streams at
    // about 200 tokens/s (a fast GPU's pace) and while a model loads.
    void measureResponsiveness() {
        ChatController* chat = m_app->chat();
        ResponsivenessProbe idle;  // the baseline: the same loop with nothing happening
        idle.start();
        QEventLoop loop;  // a plain event loop, as while waiting for the reply below
        QTimer::singleShot(1200, &loop, &QEventLoop::quit);
        loop.exec();
        idle.stop();
        qInfo("probe: longest UI-thread stall while idle (baseline): %.1f ms, UI-thread CPU in a gap at most %.1f ms, "
              "%d gaps over 16 ms (%d ticks)",
              idle.longestStallMs(), idle.longestBusyMs(), idle.gapsOver16Ms(), idle.ticks());
        m_app->worker()->setTokenDelayForTesting(5);
        chat->setSetting(QStringLiteral("maxTokens"), 200);
        QSignalSpy finished(chat, &ChatController::replyFinished);
        ResponsivenessProbe probe;
        probe.start();
        QVERIFY(chat->send(QStringLiteral("Once upon a time there was a little dog")));
        QVERIFY(finished.wait(kWaitMs));
        probe.stop();
        m_app->worker()->setTokenDelayForTesting(0);
        const Conversation* c = m_app->repository()->find(chat->conversationId());
        qInfo("probe: longest UI-thread stall while a %d-token reply streamed: %.1f ms, UI-thread CPU in a gap at most "
              "%.1f ms, %d gaps over 16 ms (%d ticks)",
              c->find(c->activePath().back())->record.generatedTokens, probe.longestStallMs(), probe.longestBusyMs(),
              probe.gapsOver16Ms(), probe.ticks());

        QSignalSpy loaded(m_app->models(), &ModelManager::modelLoaded);
        probe.start();
        m_app->models()->loadOnCpu(m_app->models()->loadedPath());
        QVERIFY(loaded.wait(kWaitMs));
        probe.stop();
        qInfo("probe: longest UI-thread stall while the model loaded: %.1f ms, UI-thread CPU in a gap at most %.1f ms "
              "(%d ticks)",
              probe.longestStallMs(), probe.longestBusyMs(), probe.ticks());
    }

    void exportToMarkdown() {
        const QString path = m_dir.path() + "/export.md";
        QSignalSpy exported(m_app->transfer(), &TransferController::exportFinished);
        // The save dialog is a platform dialog; the export itself is what the menu item runs.
        m_app->transfer()->exportConversation(m_app->chat()->conversationId(), QStringLiteral("markdown"), path);
        QVERIFY(exported.wait(kWaitMs));
        QCOMPARE(exported[0][1].toString(), QString());
        // The outcome is on screen.
        QTRY_VERIFY(item("transferStatusText") &&
                    item("transferStatusText")->property("text").toString().contains(QStringLiteral("Exported to")));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString markdown = QString::fromUtf8(file.readAll());
        QVERIFY(markdown.startsWith(QStringLiteral("# Hello there")));
        QVERIFY(markdown.contains(QStringLiteral("## You\n\nHello there")));
        QVERIFY(markdown.contains(item("message_1")->property("text").toString()));
    }
};

QTEST_MAIN(EndToEndTest)
#include "e2e_test.moc"
