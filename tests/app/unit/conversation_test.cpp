// The message tree (Conversation): children, the selected branch, new ids.
#include <QTest>

#include "conversation.h"
#include "message_fixture.h"
#include "test_registry.h"

using namespace confidant::app;

namespace {

using confidant::app::testing::message;

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
};

CONFIDANT_REGISTER_TEST(ConversationTest);
#include "conversation_test.moc"
