// SqliteConversationStore over a real database file: round trip of a branched conversation,
// upserts that leave unchanged rows alone, streamed replies on disk mid-stream and interrupted
// after the store goes away without finishing them, and a damaged file refused and left intact.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "app_context.h"
#include "conversations.h"
#include "message_fixture.h"
#include "message_tree.h"
#include "sqlite_conversation_store.h"
#include "store.h"
#include "test_registry.h"

using namespace confidant;
using namespace confidant::app;

namespace {

using confidant::app::testing::message;

GenerationRecord record(const QString& reason, int tokens) {
    GenerationRecord r;
    r.finishReason = reason;
    r.generatedTokens = tokens;
    r.promptTokens = 9;
    r.tokensPerSecond = 12.5;
    r.timeToFirstToken = 0.25;
    r.model = QStringLiteral("stories260K.gguf");
    r.backend = QStringLiteral("cpu");
    return r;
}

// user 1 -> reply 2 | reply 3 (a regenerated sibling) -> user 4 under reply 3
Conversation branched() {
    Conversation c;
    c.id = 7;
    c.title = QStringLiteral("Branches");
    c.pinned = true;
    c.settings.systemPrompt = QStringLiteral("Be brief.");
    c.settings.seed = 42;
    c.settings.temperature = 0.5;
    c.settings.maxTokens = 99;
    c.messages = {message(1, 0, MessageRole::User, "q"), message(2, 1, MessageRole::Assistant, "a1"),
                  message(3, 1, MessageRole::Assistant, "a2"), message(4, 3, MessageRole::User, "q2")};
    c.messages[1].hasRecord = true;
    c.messages[1].record = record(QStringLiteral("stop"), 3);
    c.messages[2].hasRecord = true;
    c.messages[2].record = record(QStringLiteral("length"), 12);
    c.selectPathTo(2);
    return c;
}

// The stored conversations, read with storage's own API on a second connection.
std::vector<storage::ConversationData> readBack(const QString& path) {
    storage::OpenOptions options;
    options.recoverInterruptedReplies = false;  // a reader next to the app's connection
    auto db = storage::openStore(path.toStdString(), options);
    if (!db) qFatal("cannot open %s: %s", qPrintable(path), db.error().message.c_str());
    std::vector<storage::ConversationData> all;
    auto ids = storage::allConversationIds(*db);
    if (!ids) qFatal("cannot list conversations: %s", ids.error().message.c_str());
    for (const std::string& id : *ids) {
        auto data = storage::loadConversation(*db, id);
        if (!data) qFatal("cannot load a conversation: %s", data.error().message.c_str());
        all.push_back(std::move(*data));
    }
    return all;
}

QByteArray fileBytes(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

}  // namespace

class SqliteStoreTest : public QObject {
    Q_OBJECT
private slots:
    void roundTripsBranchesRecordsAndSettings() {
        QTemporaryDir dir;
        const QString path = dir.filePath("confidant.db");
        const Conversation c = branched();
        {
            SqliteConversationStore store(path);
            QString error;
            QVERIFY(store.loadAll(&error).isEmpty());
            QVERIFY2(error.isEmpty(), qPrintable(error));
            store.save(c);
            store.flush();
        }
        SqliteConversationStore store(path);
        QString error;
        const QVector<Conversation> loaded = store.loadAll(&error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(loaded.size(), 1);
        const Conversation& l = loaded[0];
        QCOMPARE(l.title, c.title);
        QVERIFY(l.pinned);
        QCOMPARE(l.settings, c.settings);
        QCOMPARE(l.messages.size(), 4);
        QCOMPARE(l.activePath(), (QVector<qint64>{1, 2}));
        QCOMPARE(l.children(1), (QVector<qint64>{2, 3}));
        QCOMPARE(l.find(4)->parentId, qint64(3));
        QCOMPARE(l.find(3)->text, QStringLiteral("a2"));
        QVERIFY(l.find(3)->hasRecord);
        QCOMPARE(l.find(3)->record.finishReason, QStringLiteral("length"));
        QCOMPARE(l.find(3)->record.generatedTokens, 12);
        QCOMPARE(l.find(3)->record.backend, QStringLiteral("cpu"));
        QCOMPARE(l.find(2)->record.tokensPerSecond, 12.5);
        QCOMPARE(l.find(1)->role, MessageRole::User);

        // Saving it unchanged writes nothing: the conversation's update time stays.
        const int64_t updatedBefore = readBack(path)[0].conversation.updatedAt;
        store.save(l);
        store.flush();
        QCOMPARE(readBack(path)[0].conversation.updatedAt, updatedBefore);

        // An upsert: one text changed, one message added under it, the branch switched.
        Conversation changed = l;
        changed.find(4)->text = QStringLiteral("q2 edited");
        changed.messages.push_back(message(5, 4, MessageRole::User, "q3"));
        changed.selectPathTo(5);
        changed.title = QStringLiteral("Renamed");
        store.save(changed);
        store.flush();
        const auto stored = readBack(path);
        QCOMPARE(stored.size(), size_t(1));
        QCOMPARE(stored[0].messages.size(), size_t(5));
        QCOMPARE(stored[0].conversation.title, std::string("Renamed"));
        QCOMPARE(stored[0].messages.back().content, std::string("q3"));
        QCOMPARE(stored[0].conversation.selectedLeafId, stored[0].messages.back().id);
        bool edited = false;
        for (const auto& m : stored[0].messages) edited = edited || m.content == "q2 edited";
        QVERIFY(edited);

        store.remove(changed.id);
        store.flush();
        QVERIFY(readBack(path).empty());
    }

    void streamedReplyIsOnDiskMidStreamAndInterruptedAfterACrash() {
        QTemporaryDir dir;
        const QString path = dir.filePath("confidant.db");
        {
            SqliteConversationStore store(path);
            QString error;
            store.loadAll(&error);
            Conversation c;
            c.id = 1;
            c.title = QStringLiteral("Story");
            c.messages = {message(1, 0, MessageRole::User, "Tell a story"), message(2, 1, MessageRole::Assistant, "")};
            store.save(c);
            c.messages[1].text = QStringLiteral("Once upon");
            store.save(c);
            store.flush();

            const auto midStream = readBack(path);
            QCOMPARE(midStream.size(), size_t(1));
            QCOMPARE(midStream[0].messages.size(), size_t(2));
            QCOMPARE(midStream[0].messages[1].content, std::string("Once upon"));
            QCOMPARE(midStream[0].messages[1].state, storage::MessageState::Streaming);
            // The store goes away without the reply finishing (a crash, as far as it knows).
        }
        SqliteConversationStore store(path);
        QString error;
        const QVector<Conversation> loaded = store.loadAll(&error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded[0].find(2)->text, QStringLiteral("Once upon"));
        QCOMPARE(loaded[0].find(2)->record.finishReason, QStringLiteral("interrupted"));
        const auto stored = readBack(path);
        QCOMPARE(stored[0].messages[1].finishReason, storage::FinishReason::Interrupted);
        QCOMPARE(stored[0].messages[1].state, storage::MessageState::Complete);
    }

    void finishedReplyKeepsItsReasonAndStatistics() {
        QTemporaryDir dir;
        const QString path = dir.filePath("confidant.db");
        SqliteConversationStore store(path);
        QString error;
        store.loadAll(&error);
        Conversation c;
        c.id = 3;
        c.messages = {message(1, 0, MessageRole::User, "Hi"), message(2, 1, MessageRole::Assistant, "He")};
        store.save(c);
        c.messages[1].text = QStringLiteral("Hello!");
        c.messages[1].hasRecord = true;
        c.messages[1].record = record(QStringLiteral("context_full"), 4);
        store.save(c);
        store.flush();
        const auto stored = readBack(path);
        const storage::Message& reply = stored[0].messages[1];
        QCOMPARE(reply.content, std::string("Hello!"));
        QCOMPARE(reply.state, storage::MessageState::Complete);
        QCOMPARE(reply.finishReason, storage::FinishReason::Length);
        QCOMPARE(reply.reply.generatedTokens, std::optional<int64_t>(4));
        QCOMPARE(reply.reply.backend, std::string("cpu"));
    }

    void damagedFileGivesTheStoresErrorAndStaysUntouched() {
        QTemporaryDir dir;
        const QString path = dir.filePath("confidant.db");
        QByteArray junk("This is not an SQLite database, just some text that must survive.\n");
        junk.append(QByteArray(5000, 'x'));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(junk);
        }
        {
            SqliteConversationStore store(path);
            QString error;
            QVERIFY(store.loadAll(&error).isEmpty());
            QVERIFY(!error.isEmpty());
            QVERIFY(store.damaged());
            store.save(branched());
            store.flush();
        }
        QCOMPARE(fileBytes(path), junk);
        QString error;
        const QString aside = SqliteConversationStore::moveAside(path, &error);
        QVERIFY2(!aside.isEmpty(), qPrintable(error));
        QCOMPARE(fileBytes(aside), junk);
        QVERIFY(!QFile::exists(path));
    }

    void theAppShowsADamagedStoreAndMovesItAsideOnRequest() {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath("data")));
        const QString path = dir.filePath("data/confidant.db");
        const QByteArray junk(3000, 'j');
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(junk);
        }
        AppContext app(dir.filePath("data"), dir.filePath("models"));
        QVERIFY(!app.storeError().isEmpty());
        QVERIFY(app.storeDamaged());
        app.repository()->flush();
        QCOMPARE(fileBytes(path), junk);
        app.moveDamagedStoreAside();
        QVERIFY(!app.storeDamaged());
        QVERIFY2(app.storeError().startsWith(QStringLiteral("Moved")), qPrintable(app.storeError()));
        QVERIFY(!QFile::exists(path));
    }
};

CONFIDANT_REGISTER_TEST(SqliteStoreTest);
#include "sqlite_store_test.moc"
