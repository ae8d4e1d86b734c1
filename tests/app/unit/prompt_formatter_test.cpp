// Choosing and using the chat template for a model: stories260K has none, so the built-in
// template of its family is used; a user's override wins; a broken one falls back loudly.
#include <QTest>

#include "app_test_support.h"
#include "model.h"
#include "prompt_formatter.h"
#include "test_registry.h"

using namespace confidant::app;

class PromptFormatterTest : public QObject {
    Q_OBJECT
private:
    std::shared_ptr<const confidant::inference::Model> m_model;

private slots:
    void initTestCase() {
        CONFIDANT_QT_TESTDATA_FILE(path, "models/stories260K.gguf");
        auto model = confidant::inference::Model::load(path.toStdString());
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().message.c_str());
        m_model = *model;
    }

    void aModelWithoutTemplateGetsItsFamilysBuiltIn() {
        std::string note;
        const auto formatter = createPromptFormatter(*m_model, {}, &note);
        QVERIFY(!formatter->templateSource().empty());
        QVERIFY(note.find("no chat template") != std::string::npos);
        const auto prompt = formatter->render({{MessageRole::System, "Be kind."}, {MessageRole::User, "Hi there"}});
        QVERIFY(prompt.ok());
        QVERIFY(prompt->find("Hi there") != std::string::npos);
        QVERIFY(prompt->find("Be kind.") != std::string::npos);  // kept, or folded into the user turn
    }

    void theUsersTemplateWins() {
        std::string note;
        const auto formatter = createPromptFormatter(
            *m_model, "{% for m in messages %}[{{ m.role }}]{{ m.content }}{% endfor %}{% if add_generation_prompt %}>{% endif %}",
            &note);
        const auto prompt = formatter->render({{MessageRole::User, "Hi"}});
        QVERIFY(prompt.ok());
        QCOMPARE(*prompt, std::string("[user]Hi>"));
        QVERIFY(note.find("your own") != std::string::npos);
    }

    void aBrokenTemplateFallsBackToTheTranscriptAndSaysWhy() {
        std::string note;
        const auto formatter = createPromptFormatter(*m_model, "{% for %}", &note);
        QVERIFY(formatter->description().find("transcript") != std::string::npos);
        QVERIFY(note.find("cannot be used") != std::string::npos);
        const auto prompt = formatter->render({{MessageRole::User, "Hi"}});
        QVERIFY(prompt.ok());
        QCOMPARE(*prompt, std::string("User: Hi\nAssistant:"));
    }
};

CONFIDANT_REGISTER_TEST(PromptFormatterTest);
#include "prompt_formatter_test.moc"
