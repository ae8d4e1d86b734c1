// The sidebar's search through the store's full-text search (off the UI thread, highlighted
// snippets, hits on other branches) and export/import through storage's exporters and importers:
// one conversation, all of them with progress, our JSON and ChatGPT's back in, and a malformed
// file that names the place and imports nothing.
#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "conversation_repository.h"
#include "search_model.h"
#include "sqlite_conversation_store.h"
#include "test_registry.h"
#include "transfer_controller.h"

using namespace confidant::app;

namespace {

constexpr int k_waitMs = 10000;

std::unique_ptr<ConversationRepository> openRepository(const QString& path) {
    return std::make_unique<ConversationRepository>(std::make_unique<SqliteConversationStore>(path));
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size();
}

QByteArray readFile(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A conversation asking for an animal with two finished replies (two branches); the second is the
// selected one.
struct TwoReplies {
    qint64 conversation, first, second;
};

TwoReplies addTwoReplies(ConversationRepository& repository, const QString& first, const QString& second) {
    TwoReplies made;
    made.conversation = repository.create({}, {});
    const qint64 user = repository.addMessage(made.conversation, 0, MessageRole::User, QStringLiteral("Name an animal"));
    made.first = repository.addMessage(made.conversation, user, MessageRole::Assistant, first);
    repository.finishReply(made.conversation, made.first, {}, {});
    made.second = repository.addMessage(made.conversation, user, MessageRole::Assistant, second);
    repository.finishReply(made.conversation, made.second, {}, {});
    return made;
}

// A two-message ChatGPT conversations.json (the shape of its "mapping" tree, trimmed).
QByteArray chatGptExport() {
    return R"([{"title": "Boiling eggs", "create_time": 1717000000.0, "update_time": 1717000005.0,
  "current_node": "n2", "id": "6790c3a2-1f0e-8000-9d1b-3c4f0a7e5b11",
  "mapping": {
    "root": {"id": "root", "message": null, "parent": null, "children": ["n1"]},
    "n1": {"id": "n1", "parent": "root", "children": ["n2"], "message": {"id": "n1",
      "author": {"role": "user", "name": null, "metadata": {}}, "create_time": 1717000001.0,
      "content": {"content_type": "text", "parts": ["How long to boil an egg?"]}, "metadata": {}}},
    "n2": {"id": "n2", "parent": "n1", "children": [], "message": {"id": "n2",
      "author": {"role": "assistant", "name": null, "metadata": {}}, "create_time": 1717000002.0,
      "content": {"content_type": "text", "parts": ["About 7 minutes for a jammy yolk."]}, "metadata": {}}}
  }}])";
}

}  // namespace

class SearchTransferTest : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void searchRunsTheStoresFullTextSearch() {
        auto repository = openRepository(m_dir.path() + "/search.db");
        SearchModel search(repository.get());
        QAbstractItemModelTester tester(&search, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy answered(&search, &SearchModel::resultsChanged);

        const qint64 a = repository->create({}, {});
        repository->addMessage(a, 0, MessageRole::User, QStringLiteral("Tell me about <b>lighthouses</b> on rocky coasts"));
        const qint64 b = repository->create({}, {});
        repository->addMessage(b, 0, MessageRole::User, QStringLiteral("Something else"));

        // Typed as a prefix, in other case: FTS5 matches the word, bm25 ranks, the snippet marks it.
        search.setQuery(QStringLiteral("LIGHTHOU"));
        QVERIFY(search.busy());
        QVERIFY(answered.wait(k_waitMs));
        QVERIFY(!search.busy());
        QCOMPARE(search.error(), QString());
        QCOMPARE(search.rowCount(), 2);  // the title (from the first message) and the message
        bool sawMessage = false;
        for (int row = 0; row < search.rowCount(); ++row) {
            const QModelIndex index = search.index(row);
            QCOMPARE(search.data(index, SearchModel::ConversationIdRole).toLongLong(), a);
            const QString snippet = search.data(index, SearchModel::SnippetRole).toString();
            // The message's own markup is escaped; the match is the only bold text.
            QVERIFY2(snippet.contains(QStringLiteral("&lt;b&gt;<b>lighthouses</b>&lt;/b&gt;")), qPrintable(snippet));
            if (search.data(index, SearchModel::MessageIdRole).toLongLong() == 1) sawMessage = true;
        }
        QVERIFY(sawMessage);

        answered.clear();
        search.setQuery(QStringLiteral("nothing like this"));
        QVERIFY(answered.wait(k_waitMs));
        QCOMPARE(search.rowCount(), 0);

        // Clearing the box clears the results at once, without asking the store.
        search.setQuery(QStringLiteral("something"));
        search.setQuery(QString());
        QCOMPARE(search.rowCount(), 0);
        QVERIFY(!search.busy());
        QVERIFY(!answered.wait(300));  // the dropped query never answers
    }

    void aHitOnAnotherBranchLeadsToThatBranch() {
        auto repository = openRepository(m_dir.path() + "/branches.db");
        const auto [c, first, second] =
            addTwoReplies(*repository, QStringLiteral("A striped zebra."), QStringLiteral("A grey elephant."));
        QCOMPARE(repository->find(c)->activePath().last(), second);

        SearchModel search(repository.get());
        QSignalSpy answered(&search, &SearchModel::resultsChanged);
        search.setQuery(QStringLiteral("zebra"));
        QVERIFY(answered.wait(k_waitMs));
        QCOMPARE(search.rowCount(), 1);
        const QModelIndex hit = search.index(0);
        QCOMPARE(search.data(hit, SearchModel::MessageIdRole).toLongLong(), first);
        QCOMPARE(search.data(hit, SearchModel::OnSelectedBranchRole).toBool(), false);

        // What the sidebar's click does (ChatController::revealMessage): select the hit's branch.
        repository->selectPathTo(c, first);
        QCOMPARE(repository->find(c)->activePath().last(), first);
        answered.clear();
        search.setQuery(QStringLiteral("zebr"));
        QVERIFY(answered.wait(k_waitMs));
        QCOMPARE(search.data(search.index(0), SearchModel::OnSelectedBranchRole).toBool(), true);
    }

    void ftsTextMakesTheLastWordAPrefix() {
        QCOMPARE(SearchModel::ftsText(QStringLiteral("light")), QStringLiteral("light*"));
        QCOMPARE(SearchModel::ftsText(QStringLiteral("light ")), QStringLiteral("light"));
        QCOMPARE(SearchModel::ftsText(QStringLiteral("\"rocky coast\"")), QStringLiteral("\"rocky coast\""));
        QCOMPARE(SearchModel::ftsText(QStringLiteral("lig*")), QStringLiteral("lig*"));
    }

    void exportsOneAndAllThroughTheStore() {
        auto repository = openRepository(m_dir.path() + "/export.db");
        TransferController transfer(repository.get());
        const qint64 a = repository->create({}, {});
        const qint64 q = repository->addMessage(a, 0, MessageRole::User, QStringLiteral("What is a **lighthouse**?"));
        repository->addMessage(a, q, MessageRole::Assistant, QStringLiteral("A tower with a light."));
        const qint64 b = repository->create({}, {});
        repository->addMessage(b, 0, MessageRole::User, QStringLiteral("Second chat"));

        QSignalSpy exported(&transfer, &TransferController::exportFinished);
        const QString md = m_dir.path() + "/one.md";
        transfer.exportConversation(a, QStringLiteral("markdown"), QUrl::fromLocalFile(md).toString());
        QVERIFY(transfer.busy());
        QVERIFY(exported.wait(k_waitMs));
        QCOMPARE(exported[0][0].toString(), md);
        QCOMPARE(exported[0][1].toString(), QString());
        QVERIFY(!transfer.busy() && !transfer.failed());
        const QString markdown = QString::fromUtf8(readFile(md));
        QVERIFY2(markdown.contains(QStringLiteral("What is a **lighthouse**?")), qPrintable(markdown));
        QVERIFY(markdown.contains(QStringLiteral("A tower with a light.")));
        QVERIFY(!markdown.contains(QStringLiteral("Second chat")));

        // Every conversation, one HTML file each, with progress per file.
        QList<double> progress;
        const auto watching = connect(&transfer, &TransferController::stateChanged, this,
                                      [&] { progress << transfer.progress(); });
        const QString folder = m_dir.path() + "/all-html";
        transfer.exportAll(QStringLiteral("html"), folder);
        QVERIFY(exported.wait(k_waitMs));
        QCOMPARE(exported[1][1].toString(), QString());
        QCOMPARE(QDir(folder).entryList({QStringLiteral("*.html")}, QDir::Files).size(), 2);
        QVERIFY(transfer.status().contains(folder));
        disconnect(watching);
        QCOMPARE(progress.first(), -1.0);  // started, nothing written yet
        QVERIFY(progress.contains(0.5));   // one of two files
        QCOMPARE(progress.last(), 1.0);

        // Every conversation as one JSON file.
        const QString json = m_dir.path() + "/all.json";
        transfer.exportAll(QStringLiteral("json"), json);
        QVERIFY(exported.wait(k_waitMs));
        QCOMPARE(exported[2][1].toString(), QString());
        QVERIFY(readFile(json).contains("confidant-conversations"));

        // A failure is reported and leaves nothing behind.
        const QString blocked = m_dir.path() + "/not-a-folder";
        QVERIFY(writeFile(blocked, "x"));
        transfer.exportConversation(a, QStringLiteral("text"), blocked + "/one.txt");
        QVERIFY(exported.wait(k_waitMs));
        QVERIFY(!exported[3][1].toString().isEmpty());
        QVERIFY(transfer.failed());
        QVERIFY(transfer.status().startsWith(QStringLiteral("Export failed")));

        transfer.exportConversation(a, QStringLiteral("docx"), m_dir.path() + "/x.docx");
        QCOMPARE(exported.size(), 5);
        QVERIFY(exported[4][1].toString().contains(QStringLiteral("docx")));
    }

    void importsOurJsonAndChatGptsIntoTheApp() {
        // Export from one store, import into another: the tree and the shown branch come back.
        const QString json = m_dir.path() + "/roundtrip.json";
        {
            auto source = openRepository(m_dir.path() + "/source.db");
            const auto [c, first, second] =
                addTwoReplies(*source, QStringLiteral("A zebra."), QStringLiteral("An elephant."));
            source->selectPathTo(c, first);
            TransferController transfer(source.get());
            QSignalSpy exported(&transfer, &TransferController::exportFinished);
            transfer.exportAll(QStringLiteral("json"), json);
            QVERIFY(exported.wait(k_waitMs));
            QCOMPARE(exported[0][1].toString(), QString());
        }
        const QString target = m_dir.path() + "/target.db";
        auto repository = openRepository(target);
        TransferController transfer(repository.get());
        QSignalSpy added(repository.get(), &ConversationRepository::conversationAdded);
        QSignalSpy imported(&transfer, &TransferController::importFinished);
        QStringList statuses;
        const auto watching = connect(&transfer, &TransferController::stateChanged, this,
                                      [&] { statuses << transfer.status(); });
        transfer.importFile(QUrl::fromLocalFile(json).toString());
        QVERIFY(imported.wait(k_waitMs));
        disconnect(watching);
        QVERIFY2(statuses.contains(QStringLiteral("Writing conversation 1 of 1…")), qPrintable(statuses.join(" | ")));
        QCOMPARE(imported[0][2].toString(), QString());
        QCOMPARE(imported[0][1].toInt(), 1);
        QCOMPARE(added.size(), 1);
        const Conversation* c = repository->find(added[0][0].toLongLong());
        QVERIFY(c);
        QCOMPARE(c->messages.size(), 3);
        QCOMPARE(c->find(c->activePath().last())->text, QStringLiteral("A zebra."));

        // The imported conversation is the store's: editing it in the app writes it (no duplicate).
        repository->rename(c->id, QStringLiteral("Animals"));

        // Importing the same file again skips what is already there.
        transfer.importFile(json);
        QVERIFY(imported.wait(k_waitMs));
        QCOMPARE(imported[1][1].toInt(), 0);
        QVERIFY(transfer.status().contains(QStringLiteral("left as they were")));

        // ChatGPT's export.
        const QString chatGpt = m_dir.path() + "/conversations.json";
        QVERIFY(writeFile(chatGpt, chatGptExport()));
        transfer.importFile(chatGpt);
        QVERIFY(imported.wait(k_waitMs));
        QCOMPARE(imported[2][2].toString(), QString());
        QCOMPARE(imported[2][1].toInt(), 1);
        QCOMPARE(added.size(), 2);
        const Conversation* eggs = repository->find(added[1][0].toLongLong());
        QCOMPARE(eggs->title, QStringLiteral("Boiling eggs"));
        QCOMPARE(eggs->messages.size(), 2);
        QCOMPARE(eggs->messages[1].text, QStringLiteral("About 7 minutes for a jammy yolk."));

        // A malformed file: the error names the place, nothing is imported.
        QByteArray broken = readFile(json);
        broken.replace("\"role\": \"assistant\"", "\"role\": \"narrator\"");
        const QString bad = m_dir.path() + "/broken.json";
        QVERIFY(writeFile(bad, broken));
        transfer.importFile(bad);
        QVERIFY(imported.wait(k_waitMs));
        const QString error = imported[3][2].toString();
        QVERIFY2(error.contains(QStringLiteral("messages[")) && error.contains(QStringLiteral("role")), qPrintable(error));
        QVERIFY(transfer.failed());
        QVERIFY(transfer.status().startsWith(QStringLiteral("Nothing was imported")));
        QCOMPARE(added.size(), 2);

        // After a restart the store holds exactly those two, with the rename.
        repository.reset();
        repository = openRepository(target);
        QCOMPARE(repository->ids().size(), 2);
        QStringList titles;
        for (qint64 id : repository->ids()) titles << repository->find(id)->title;
        titles.sort();
        QCOMPARE(titles, (QStringList{QStringLiteral("Animals"), QStringLiteral("Boiling eggs")}));
    }
};

CONFIDANT_REGISTER_TEST(SearchTransferTest);
#include "search_transfer_test.moc"
