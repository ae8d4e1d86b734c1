// The message tree (Conversation) and the JSON store round trip.
#include <QTemporaryDir>
#include <QTest>

#include "conversation.h"
#include "json_conversation_store.h"
#include "test_registry.h"

using namespace confidant::app;

namespace {

Message message(qint64 id, qint64 parent, MessageRole role, const QString& text) {
    Message m;
    m.id = id;
    m.parentId = parent;
    m.role = role;
    m.text = text;
    m.created = QDateTime::currentDateTime();
    return m;
}

// user 1 -> reply 2 | reply 3 (a regenerated sibling) -> user 4 under reply 3
Conversation branched() {
    Conversation c;
    c.id = 7;
    c.title = QStringLiteral("Branches");
    c.messages = {message(1, 0, MessageRole::User, "q"), message(2, 1, MessageRole::Assistant, "a1"),
                  message(3, 1, MessageRole::Assistant, "a2"), message(4, 3, MessageRole::User, "q2")};
    return c;
}

}  // namespace

class ConversationTest : public QObject {
    Q_OBJECT
private slots:
    void activePathFollowsTheNewestChildByDefault() {
        const Conversation c = branched();
        QCOMPARE(c.activePath(), (QVector<qint64>{1, 3, 4}));
        QCOMPARE(c.children(1), (QVector<qint64>{2, 3}));
    }

    void selectingAPathSwitchesBranches() {
        Conversation c = branched();
        c.selectPathTo(2);
        QCOMPARE(c.activePath(), (QVector<qint64>{1, 2}));
        c.selectPathTo(4);
        QCOMPARE(c.activePath(), (QVector<qint64>{1, 3, 4}));
        QCOMPARE(c.nextMessageId(), qint64(5));
    }

    void jsonStoreRoundTripsTheTree() {
        QTemporaryDir dir;
        Conversation c = branched();
        c.pinned = true;
        c.settings.systemPrompt = QStringLiteral("Be brief.");
        c.settings.seed = 42;
        c.messages[2].hasRecord = true;
        c.messages[2].record.generatedTokens = 12;
        c.messages[2].record.backend = QStringLiteral("cpu");
        c.selectPathTo(2);
        {
            JsonConversationStore store(dir.path());
            store.save(c);
            store.flush();
        }
        JsonConversationStore store(dir.path());
        QString error;
        const QVector<Conversation> loaded = store.loadAll(&error);
        QVERIFY(error.isEmpty());
        QCOMPARE(loaded.size(), 1);
        const Conversation& l = loaded[0];
        QCOMPARE(l.title, c.title);
        QVERIFY(l.pinned);
        QCOMPARE(l.settings, c.settings);
        QCOMPARE(l.messages.size(), 4);
        QCOMPARE(l.activePath(), (QVector<qint64>{1, 2}));
        QVERIFY(l.find(3)->hasRecord);
        QCOMPARE(l.find(3)->record.generatedTokens, 12);
        QCOMPARE(l.find(3)->record.backend, QStringLiteral("cpu"));

        store.remove(7);
        store.flush();
        QVERIFY(store.loadAll(&error).isEmpty());
    }
};

CONFIDANT_REGISTER_TEST(ConversationTest);
#include "conversation_test.moc"
