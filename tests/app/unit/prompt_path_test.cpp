// The app and the CLI turn a conversation into the same tokens: for every shared chat template
// (testdata/chat-templates) and its conversations, the inference worker's prompt equals what
// `confidant-cli generate --messages --print-prompt-tokens` prints. And a broken template of the
// user's falls back to the model's, saying why.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app_test_support.h"
#include "inference_worker.h"
#include "test_registry.h"

using namespace confidant::app;
namespace chat = confidant::inference::chat;

class PromptPathTest : public QObject {
    Q_OBJECT
private:
    QString m_modelPath;
    std::unique_ptr<InferenceWorker> m_worker;

    static QString tokensText(const std::vector<confidant::inference::TokenId>& ids) {
        QStringList parts;
        for (auto id : ids) parts << QString::number(id);
        return parts.join(u' ');
    }

private slots:
    void initTestCase() {
        CONFIDANT_QT_TESTDATA_FILE(path, "models/stories260K.gguf");
        m_modelPath = path;
        m_worker = std::make_unique<InferenceWorker>();
        QSignalSpy loaded(m_worker.get(), &InferenceWorker::modelLoaded);
        m_worker->loadModel({path, DevicePreference::Cpu, -1, {}});
        QCOMPARE(loaded.count(), 1);
    }

    void cliAndAppGiveTheSameTokens() {
        CONFIDANT_QT_TESTDATA_FILE(expectedPath, "chat-templates/expected.json");
        const QString cli = qEnvironmentVariable("CONFIDANT_CLI");
        if (cli.isEmpty()) QFAIL("CONFIDANT_CLI is not set (CTest sets it to confidant-cli)");
        QFile expectedFile(expectedPath);
        QVERIFY(expectedFile.open(QIODevice::ReadOnly));
        const QJsonObject expected = QJsonDocument::fromJson(expectedFile.readAll()).object();
        const QJsonObject conversations = expected.value("conversations").toObject();
        const QStringList conversationNames = conversations.keys();
        QVERIFY(conversationNames.size() >= 5);
        const QDir templates = QFileInfo(expectedPath).dir();
        const QStringList templateFiles = templates.entryList({"*.jinja"}, QDir::Files, QDir::Name);
        QVERIFY(templateFiles.size() >= 20);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ConversationSettings settings;
        const uint32_t context = m_worker->contextSizeFor(settings);
        int compared = 0, bothFailed = 0;
        for (int t = 0; t < templateFiles.size(); ++t) {
            const QString templatePath = templates.filePath(templateFiles[t]);
            QFile source(templatePath);
            QVERIFY(source.open(QIODevice::ReadOnly));
            m_worker->setTemplateOverride(QString::fromUtf8(source.readAll()));
            // Every template gets the multi-turn conversation and one more, in turn, so that all
            // conversations are covered while the test stays a few seconds long.
            for (const QString& name : {QStringLiteral("multi_turn"), conversationNames[t % conversationNames.size()]}) {
                const QJsonArray messages = conversations.value(name).toArray();
                const QString conversationPath = dir.filePath(name + ".json");
                QFile out(conversationPath);
                QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
                out.write(QJsonDocument(messages).toJson());
                out.close();

                GenerationJob job;
                job.settings = settings;
                for (const QJsonValue& m : messages)
                    job.messages.push_back({m["role"].toString().toStdString(), m["content"].toString().toStdString()});
                const auto app = m_worker->preparePrompt(job, context);

                QProcess process;
                process.start(cli, {"generate", "-m", m_modelPath, "--backend", "cpu", "--messages", conversationPath,
                                    "--template-file", templatePath, "--ctx", QString::number(context), "-n",
                                    QString::number(settings.maxTokens), "--print-prompt-tokens"});
                QVERIFY(process.waitForFinished(30000));
                const QString what = templateFiles[t] + " / " + name;
                if (!app.ok()) {
                    // A template that raises for this conversation fails the same way in both.
                    QVERIFY2(process.exitCode() != 0, qPrintable(what + ": the app failed, the CLI did not"));
                    ++bothFailed;
                    continue;
                }
                QVERIFY2(process.exitCode() == 0, qPrintable(what + ": " + QString::fromUtf8(process.readAllStandardError())));
                QCOMPARE(QString::fromUtf8(process.readAllStandardOutput()).trimmed(), tokensText(app->tokens));
                ++compared;
            }
        }
        qInfo("compared %d conversations token for token (%d failed in both)", compared, bothFailed);
        QVERIFY(compared >= 40);
        m_worker->setTemplateOverride({});
    }

    void aBrokenTemplateOfTheUsersFallsBackToTheModelsAndSaysWhy() {
        QSignalSpy loaded(m_worker.get(), &InferenceWorker::modelLoaded);
        m_worker->setTemplateOverride(QStringLiteral("{% for %}"));
        QCOMPARE(loaded.count(), 1);
        const auto info = loaded.takeFirst().at(0).value<LoadedModelInfo>();
        QVERIFY2(info.formatNote.contains("cannot be used"), qPrintable(info.formatNote));
        QVERIFY(!info.templateSource.isEmpty());  // stories260K has none: its family's built-in one
        GenerationJob job;
        job.messages = {{"system", "Be kind."}, {"user", "Hi there"}};
        const auto prompt = m_worker->preparePrompt(job, 256);
        QVERIFY(prompt.ok());
        QVERIFY(prompt->text.find("Hi there") != std::string::npos);
        QVERIFY(prompt->text.find("Be kind.") != std::string::npos);  // kept, or folded into the user turn
        m_worker->setTemplateOverride({});
    }
};

CONFIDANT_REGISTER_TEST(PromptPathTest);
#include "prompt_path_test.moc"
