// The chat controller with the real inference worker thread and stories260K: a reply streams
// into the message model and the store, Stop ends it, a conversation switch during generation
// keeps the reply in its own conversation, regenerate adds a sibling, the KV cache is reused, the
// context overflows by dropping old turns, and a GPU failure is reported rather than hidden.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app_context.h"
#include "app_test_support.h"
#include "conversations.h"
#include "message_tree.h"
#include "store.h"
#include "test_registry.h"

using namespace confidant::app;

namespace {
constexpr int kWaitMs = 30000;  // a generous bound for a slow CI machine, not a timing assertion
}

class ChatControllerTest : public QObject {
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<AppContext> m_app;
    QString m_modelPath;

    // The conversation's messages as the SQLite store holds them, read on a second connection; the
    // store's UUIDs are not the app's ids, so the conversation is found by its title and first text.
    QJsonArray storedMessages(qint64 conversationId) {
        m_app->repository()->flush();
        const Conversation* c = m_app->repository()->find(conversationId);
        if (!c || c->messages.isEmpty()) return {};
        confidant::storage::OpenOptions options;
        options.recoverInterruptedReplies = false;
        auto db = confidant::storage::openStore((m_app->settings()->dataFolder() + QStringLiteral("/confidant.db")).toStdString(), options);
        if (!db) return {};
        auto ids = confidant::storage::allConversationIds(*db);
        if (!ids) return {};
        for (const std::string& id : *ids) {
            auto data = confidant::storage::loadConversation(*db, id);
            if (!data || data->messages.empty() || data->conversation.title != c->title.toStdString() ||
                data->messages[0].content != c->messages.front().text.toStdString())
                continue;
            QJsonArray messages;
            for (const confidant::storage::Message& m : data->messages) {
                QJsonObject o{{"text", QString::fromStdString(m.content)},
                              {"role", QString::fromStdString(std::string(confidant::storage::roleName(m.role)))}};
                if (m.reply.generatedTokens) o.insert("generation", QJsonObject{{"generatedTokens", double(*m.reply.generatedTokens)}});
                messages.append(o);
            }
            return messages;
        }
        return {};
    }

    void waitForReply() {
        ChatController* chat = m_app->chat();
        if (chat->generating()) QTRY_VERIFY_WITH_TIMEOUT(!chat->generating(), kWaitMs);
    }

private slots:
    void init() {
        CONFIDANT_QT_TESTDATA_FILE(model, "models/stories260K.gguf");
        m_dir = std::make_unique<QTemporaryDir>();
        QVERIFY(m_dir->isValid());
        const QString models = m_dir->path() + "/models";
        m_modelPath = QDir(models).filePath("stories260K.gguf");
        QVERIFY(confidant::testing::linkInto(models, model, "stories260K.gguf"));
        m_app = std::make_unique<AppContext>(m_dir->path() + "/data", models);
        m_app->settings()->setTemperature(0.0);  // greedy: reproducible replies
        m_app->settings()->setMaxTokens(48);
        m_app->settings()->setContextSize(512);
        m_app->worker()->setTokenDelayForTesting(0);
        QSignalSpy loaded(m_app->models(), &ModelManager::modelLoaded);
        m_app->models()->loadOnCpu(m_modelPath);
        QVERIFY(loaded.wait(kWaitMs));
        QCOMPARE(m_app->models()->backend(), QStringLiteral("cpu"));  // the fast CPU backend
        QVERIFY(m_app->chat()->canSend());
    }

    void cleanup() {
        m_app.reset();
        m_dir.reset();
    }

    void aReplyStreamsIntoTheModelAndTheStore() {
        ChatController* chat = m_app->chat();
        QSignalSpy finished(chat, &ChatController::replyFinished);
        chat->newConversation();  // opening a conversation resets the rows; streaming into it must not
        QSignalSpy resets(chat->messages(), &QAbstractItemModel::modelReset);
        QVERIFY(chat->send(QStringLiteral("Once upon a time")));
        QVERIFY(chat->generating());
        QVERIFY(!chat->canSend());
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(resets.count(), 0);

        MessageListModel* messages = chat->messages();
        QCOMPARE(messages->rowCount(), 2);
        const QString reply = messages->data(messages->index(1), MessageListModel::TextRole).toString();
        QVERIFY(!reply.trimmed().isEmpty());
        QVERIFY(messages->data(messages->index(1), MessageListModel::HasStatsRole).toBool());
        QVERIFY(messages->data(messages->index(1), MessageListModel::StatsTextRole).toString().contains(m_app->models()->backend()));
        QVERIFY(chat->contextUsed() > 0);
        QCOMPARE(chat->title(), QStringLiteral("Once upon a time"));

        const QJsonArray stored = storedMessages(chat->conversationId());
        QCOMPARE(stored.size(), 2);
        QCOMPARE(stored[1].toObject().value("text").toString(), reply);
        QCOMPARE(stored[1].toObject().value("role").toString(), QStringLiteral("assistant"));
        QVERIFY(stored[1].toObject().value("generation").toObject().value("generatedTokens").toInt() > 0);
    }

    void theSecondTurnReusesTheCachedPrefix() {
        ChatController* chat = m_app->chat();
        QSignalSpy finished(chat, &ChatController::replyFinished);
        QVERIFY(chat->send(QStringLiteral("Tom had a red ball.")));
        QVERIFY(finished.wait(kWaitMs));
        QVERIFY(chat->send(QStringLiteral("What did Tom do?")));
        QVERIFY(finished.wait(kWaitMs));
        const Conversation* c = m_app->repository()->find(chat->conversationId());
        const Message* second = c->find(c->activePath().back());
        QVERIFY(second->hasRecord);
        QVERIFY2(second->record.reusedPromptTokens > 0, "the first turn's tokens should come from the KV cache");
    }

    void stopEndsTheReplyEarly() {
        ChatController* chat = m_app->chat();
        m_app->settings()->setMaxTokens(400);
        m_app->worker()->setTokenDelayForTesting(15);  // slow enough for Stop to land mid-reply
        QSignalSpy finished(chat, &ChatController::replyFinished);
        QVERIFY(chat->send(QStringLiteral("Lily went to the park")));
        const qint64 conversation = chat->conversationId();
        // Wait for the first streamed text, then stop.
        QTRY_VERIFY_WITH_TIMEOUT(!m_app->repository()->find(conversation)->messages.back().text.isEmpty(), kWaitMs);
        chat->stop();
        QVERIFY(finished.wait(kWaitMs));
        const Message& reply = m_app->repository()->find(conversation)->messages.back();
        QCOMPARE(reply.record.finishReason, QStringLiteral("cancelled"));
        QVERIFY(reply.record.generatedTokens < 400);
        QVERIFY(!reply.text.isEmpty());
        QVERIFY(chat->canSend());
    }

    void switchingConversationsKeepsTheReplyInItsOwn() {
        ChatController* chat = m_app->chat();
        m_app->settings()->setMaxTokens(40);
        m_app->worker()->setTokenDelayForTesting(10);
        QSignalSpy finished(chat, &ChatController::replyFinished);
        QVERIFY(chat->send(QStringLiteral("The cat sat")));
        const qint64 first = chat->conversationId();
        chat->newConversation();
        const qint64 second = chat->conversationId();
        QVERIFY(second != first);
        QCOMPARE(chat->messages()->rowCount(), 0);
        QVERIFY(!chat->canSend());  // one reply at a time, and the reason says where
        QVERIFY(chat->sendBlockedReason().contains(QStringLiteral("The cat sat")));
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(finished[0][0].toLongLong(), first);

        QCOMPARE(chat->messages()->rowCount(), 0);  // nothing leaked into the open conversation
        QVERIFY(m_app->repository()->find(second)->messages.isEmpty());
        const Conversation* c = m_app->repository()->find(first);
        QCOMPARE(c->messages.size(), 2);
        const QString reply = c->messages.back().text;
        QVERIFY(!reply.isEmpty());
        chat->openConversation(first);
        QCOMPARE(chat->messages()->data(chat->messages()->index(1), MessageListModel::TextRole).toString(), reply);
        QCOMPARE(storedMessages(first)[1].toObject().value("text").toString(), reply);
    }

    void regenerateAddsASiblingAndBranchesSwitch() {
        ChatController* chat = m_app->chat();
        m_app->settings()->setTemperature(1.0);
        QSignalSpy finished(chat, &ChatController::replyFinished);
        QVERIFY(chat->send(QStringLiteral("A dog")));
        QVERIFY(finished.wait(kWaitMs));
        MessageListModel* messages = chat->messages();
        const qint64 firstReply = messages->idAt(1);
        chat->regenerate(firstReply);
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(messages->rowCount(), 2);
        QVERIFY(messages->idAt(1) != firstReply);
        QCOMPARE(messages->data(messages->index(1), MessageListModel::SiblingCountRole).toInt(), 2);
        QCOMPARE(messages->data(messages->index(1), MessageListModel::SiblingIndexRole).toInt(), 2);
        chat->selectSibling(messages->idAt(1), -1);
        QCOMPARE(messages->idAt(1), firstReply);

        chat->editMessage(messages->idAt(0), QStringLiteral("A big dog"));
        QVERIFY(finished.wait(kWaitMs));
        QCOMPARE(messages->data(messages->index(0), MessageListModel::TextRole).toString(), QStringLiteral("A big dog"));
        QCOMPARE(messages->data(messages->index(0), MessageListModel::SiblingCountRole).toInt(), 2);
    }

    void anOverflowingConversationDropsTheOldestTurns() {
        ChatController* chat = m_app->chat();
        m_app->settings()->setMaxTokens(8);
        m_app->settings()->setContextSize(64);
        QSignalSpy finished(chat, &ChatController::replyFinished);
        for (int i = 0; i < 4; ++i) {
            QVERIFY(chat->send(QStringLiteral("The little girl named Lily saw a big bird in the sky today")));
            QVERIFY(finished.wait(kWaitMs));
        }
        const Conversation* c = m_app->repository()->find(chat->conversationId());
        const Message* last = c->find(c->activePath().back());
        QVERIFY2(last->error.isEmpty(), qPrintable(last->error));
        QVERIFY(last->record.droppedTurns > 0);
        QVERIFY(chat->notice().contains(QStringLiteral("left out")));
        QVERIFY(chat->contextUsed() <= chat->contextSize());
    }

    void theGpuPathFailsLoudlyAndOffersTheCpu() {
        ModelManager* models = m_app->models();
        QSignalSpy loaded(models, &ModelManager::modelLoaded);
        models->load(m_modelPath);  // Settings say "auto": a GPU, else (software Vulkan only) the CPU
        QTRY_VERIFY_WITH_TIMEOUT(!models->loading(), kWaitMs);
        if (models->loaded() && models->backend() != QStringLiteral("vulkan"))
            QVERIFY2(!models->deviceNote().isEmpty(), "Automatic chose the CPU without saying why");

        // "The GPU, always": Vulkan, or a failure that says why and offers the CPU; never the CPU.
        m_app->settings()->setDevice(QStringLiteral("gpu"));
        models->load(m_modelPath);
        QTRY_VERIFY_WITH_TIMEOUT(!models->loading(), kWaitMs);
        m_app->settings()->setDevice(QStringLiteral("auto"));
        if (models->loaded()) {
            QVERIFY2(models->backend() != QStringLiteral("cpu"), "the GPU path must not silently load on the CPU");
            QVERIFY(models->deviceNote().isEmpty());
        } else {
            QVERIFY(models->offerCpu());
            QVERIFY(!models->error().isEmpty());
            QVERIFY(!m_app->chat()->canSend());
            loaded.clear();
            models->loadOnCpu(models->failedPath());
            QVERIFY(loaded.wait(kWaitMs));
            QCOMPARE(models->backend(), QStringLiteral("cpu"));
        }
    }
};

CONFIDANT_REGISTER_TEST(ChatControllerTest);
#include "chat_controller_test.moc"
