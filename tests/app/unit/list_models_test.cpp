// ConversationListModel and MessageListModel against the model contract (QAbstractItemModelTester)
// and their exact-row updates: a streamed reply changes one row, never resets the model.
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "conversation_list_model.h"
#include "conversation_repository.h"
#include "message_list_model.h"
#include "sqlite_conversation_store.h"
#include "test_registry.h"

using namespace confidant::app;

class ListModelsTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<ConversationRepository> makeRepository() {
        return std::make_unique<ConversationRepository>(std::make_unique<SqliteConversationStore>(m_dir.path() + "/c.db"));
    }

private slots:
    void init() { QVERIFY(m_dir.isValid()); }

    void conversationsSortPinnedFirstThenNewest() {
        QTemporaryDir dir;
        ConversationRepository repository(std::make_unique<SqliteConversationStore>(dir.path() + "/c.db"));
        ConversationListModel model(&repository);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

        const qint64 a = repository.create({}, {});
        QTest::qWait(2);  // distinct update times
        const qint64 b = repository.create({}, {});
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.idAt(0), b);  // newest first

        repository.setPinned(a, true);
        QCOMPARE(model.idAt(0), a);
        QCOMPARE(model.data(model.index(0), ConversationListModel::SectionRole).toString(), QStringLiteral("Pinned"));
        QCOMPARE(model.data(model.index(1), ConversationListModel::SectionRole).toString(), QStringLiteral("Today"));

        repository.addMessage(b, 0, MessageRole::User, QStringLiteral("What is the capital of France?"));
        QCOMPARE(model.data(model.index(1), ConversationListModel::TitleRole).toString(),
                 QStringLiteral("What is the capital of France?"));
        repository.rename(b, QStringLiteral("Geography"));
        repository.addMessage(b, 1, MessageRole::Assistant, QStringLiteral("Paris."));
        QCOMPARE(model.data(model.index(1), ConversationListModel::TitleRole).toString(), QStringLiteral("Geography"));

        repository.remove(a);
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(repository.canRestore());
        QCOMPARE(repository.restore(), a);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.idAt(0), a);
        QCOMPARE(resets.count(), 0);
    }

    void storedConversationsAreListedAtStartUp() {
        QTemporaryDir dir;
        qint64 older = 0, newer = 0;
        {
            ConversationRepository repository(std::make_unique<SqliteConversationStore>(dir.path() + "/c.db"));
            older = repository.create({}, {});
            QTest::qWait(2);
            newer = repository.create({}, {});
        }
        ConversationRepository repository(std::make_unique<SqliteConversationStore>(dir.path() + "/c.db"));
        ConversationListModel model(&repository);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.idAt(0), newer);
        QCOMPARE(model.idAt(1), older);
    }

    void sectionsGroupByRecency() {
        const QDate today(2026, 11, 27);
        const auto at = [](int y, int m, int d) { return QDateTime(QDate(y, m, d), QTime(12, 0)); };
        QCOMPARE(ConversationListModel::sectionFor(false, at(2026, 11, 27), today), QStringLiteral("Today"));
        QCOMPARE(ConversationListModel::sectionFor(false, at(2026, 11, 26), today), QStringLiteral("Yesterday"));
        QCOMPARE(ConversationListModel::sectionFor(false, at(2026, 11, 22), today), QStringLiteral("Previous 7 days"));
        QCOMPARE(ConversationListModel::sectionFor(false, at(2026, 10, 1), today), QStringLiteral("Older"));
        QCOMPARE(ConversationListModel::sectionFor(true, at(2026, 10, 1), today), QStringLiteral("Pinned"));
    }

    void streamedTextChangesOnlyItsRow() {
        auto repository = makeRepository();
        MessageListModel model(repository.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 c = repository->create({}, {});
        model.setConversation(c);
        const qint64 user = repository->addMessage(c, 0, MessageRole::User, QStringLiteral("Hi"));
        const qint64 reply = repository->addMessage(c, user, MessageRole::Assistant, QString());
        QCOMPARE(model.rowCount(), 2);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        repository->appendText(c, reply, QStringLiteral("Hel"));
        repository->appendText(c, reply, QStringLiteral("lo **there**"));
        QCOMPARE(changed.count(), 2);
        for (const auto& args : changed) {
            QCOMPARE(args[0].toModelIndex().row(), 1);
            QCOMPARE(args[1].toModelIndex().row(), 1);
            QVERIFY(args[2].value<QList<int>>().contains(MessageListModel::TextRole));
        }
        QCOMPARE(resets.count(), 0);
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(model.data(model.index(1), MessageListModel::TextRole).toString(), QStringLiteral("Hello **there**"));
        QCOMPARE(model.data(model.index(1), MessageListModel::RoleRole).toString(), QStringLiteral("assistant"));
    }

    void branchNavigationReplacesOnlyTheRowsAfterTheFork() {
        auto repository = makeRepository();
        MessageListModel model(repository.get());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const qint64 c = repository->create({}, {});
        model.setConversation(c);
        const qint64 user = repository->addMessage(c, 0, MessageRole::User, QStringLiteral("Hi"));
        const qint64 first = repository->addMessage(c, user, MessageRole::Assistant, QStringLiteral("one"));
        const qint64 second = repository->addMessage(c, user, MessageRole::Assistant, QStringLiteral("two"));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.idAt(1), second);
        QCOMPARE(model.data(model.index(1), MessageListModel::SiblingIndexRole).toInt(), 2);
        QCOMPARE(model.data(model.index(1), MessageListModel::SiblingCountRole).toInt(), 2);

        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        repository->selectSibling(c, second, -1);
        QCOMPARE(model.idAt(1), first);
        QCOMPARE(model.data(model.index(1), MessageListModel::SiblingIndexRole).toInt(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed[0][1].toInt(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(resets.count(), 0);

        repository->removeMessage(c, user);
        QCOMPARE(model.rowCount(), 0);
    }
};

CONFIDANT_REGISTER_TEST(ListModelsTest);
#include "list_models_test.moc"
