// CodeHighlighter's tokenizer for the 15 common languages of chat answers, its colours' contrast,
// the prose styler (inline code follows the font size, links readable), and the reply's kept line
// breaks (withHardLineBreaks).
#include <QAbstractTextDocumentLayout>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

#include <cmath>

#include "code_highlighter.h"
#include "markdown_segments.h"
#include "prose_styler.h"
#include "test_registry.h"

using namespace confidant::app;

namespace {

// The text of each token of `line` (the first line of a block, state 0) with its kind.
QList<QPair<QString, TokenKind>> tokens(const char* language, const QString& line, int state = 0, int* endState = nullptr) {
    const LanguageRules* rules = languageRules(QString::fromLatin1(language));
    if (rules == nullptr) return {};
    QVector<CodeToken> found;
    const int end = tokenizeLine(*rules, line, state, found);
    if (endState != nullptr) *endState = end;
    QList<QPair<QString, TokenKind>> out;
    for (const CodeToken& t : found) out.append({line.mid(t.start, t.length), t.kind});
    return out;
}

bool has(const QList<QPair<QString, TokenKind>>& list, const QString& text, TokenKind kind) {
    return list.contains(qMakePair(text, kind));
}

double luminance(const QColor& c) {
    const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}
double contrast(const QColor& a, const QColor& b) {
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace

class CodeHighlighterTest : public QObject {
    Q_OBJECT
private slots:
    void fenceNamesAndAliasesFindTheLanguages() {
        for (const char* name : {"python", "py", "c", "cpp", "c++", "javascript", "js", "typescript", "ts", "java", "go",
                                 "rust", "rs", "bash", "sh", "shell", "sql", "json", "yaml", "yml", "html", "xml", "css",
                                 "markdown", "md", "diff", "patch", "Python", " python title=\"a.py\"", "{.rust}"})
            QVERIFY2(languageRules(QString::fromLatin1(name)) != nullptr, name);
        QVERIFY(languageRules(u"brainfuck") == nullptr);
        QVERIFY(languageRules(u"") == nullptr);
    }

    void eachLanguageHighlightsItsKeywordsStringsAndComments() {
        auto t = tokens("python", QStringLiteral("def f(x): return \"hi\" # note"));
        QVERIFY(has(t, "def", TokenKind::Keyword) && has(t, "return", TokenKind::Keyword));
        QVERIFY(has(t, "\"hi\"", TokenKind::String) && has(t, "# note", TokenKind::Comment));
        QVERIFY(has(tokens("python", "@dataclass"), "@dataclass", TokenKind::Preprocessor));

        t = tokens("c", QStringLiteral("static int n = 0x1F; /* count */ // done"));
        QVERIFY(has(t, "static", TokenKind::Keyword) && has(t, "int", TokenKind::Type) && has(t, "0x1F", TokenKind::Number));
        QVERIFY(has(t, "/* count */", TokenKind::Comment) && has(t, "// done", TokenKind::Comment));
        QVERIFY(has(tokens("c", "  #include <stdio.h>"), "#include <stdio.h>", TokenKind::Preprocessor));

        t = tokens("cpp", QStringLiteral("template <typename T> constexpr auto v = std::string{\"a\"};"));
        QVERIFY(has(t, "template", TokenKind::Keyword) && has(t, "constexpr", TokenKind::Keyword) && has(t, "T", TokenKind::Type));
        QVERIFY(has(t, "string", TokenKind::Type) && has(t, "\"a\"", TokenKind::String));

        t = tokens("js", QStringLiteral("const x = `a ${b}`; let y = null; // c"));
        QVERIFY(has(t, "const", TokenKind::Keyword) && has(t, "`a ${b}`", TokenKind::String) && has(t, "null", TokenKind::Literal));
        t = tokens("ts", QStringLiteral("interface P { name: string }"));
        QVERIFY(has(t, "interface", TokenKind::Keyword) && has(t, "P", TokenKind::Type) && has(t, "string", TokenKind::Type));

        t = tokens("java", QStringLiteral("public final class Main extends Base { @Override void run() {} }"));
        QVERIFY(has(t, "public", TokenKind::Keyword) && has(t, "Main", TokenKind::Type) && has(t, "@Override", TokenKind::Preprocessor));

        t = tokens("go", QStringLiteral("func main() { var s string = `raw`; return nil }"));
        QVERIFY(has(t, "func", TokenKind::Keyword) && has(t, "string", TokenKind::Type) && has(t, "`raw`", TokenKind::String));
        QVERIFY(has(t, "nil", TokenKind::Literal));

        t = tokens("rust", QStringLiteral("fn f<'a>(x: &'a str) -> Option<u8> { let c = 'x'; None }"));
        QVERIFY(has(t, "fn", TokenKind::Keyword) && has(t, "str", TokenKind::Type) && has(t, "Option", TokenKind::Type));
        QVERIFY(has(t, "'x'", TokenKind::String) && has(t, "None", TokenKind::Literal));
        for (const auto& [text, kind] : t) QVERIFY2(!(kind == TokenKind::String && text.startsWith("'a")), "a lifetime is not a string");

        t = tokens("bash", QStringLiteral("if [ -n \"$HOME\" ]; then echo ${PATH} $1; fi # x"));
        QVERIFY(has(t, "if", TokenKind::Keyword) && has(t, "then", TokenKind::Keyword) && has(t, "echo", TokenKind::Type));
        QVERIFY(has(t, "\"$HOME\"", TokenKind::String) && has(t, "${PATH}", TokenKind::Type) && has(t, "$1", TokenKind::Type));
        QVERIFY(has(t, "# x", TokenKind::Comment));
        QVERIFY(!has(tokens("bash", "echo $#"), "#", TokenKind::Comment));

        t = tokens("sql", QStringLiteral("SELECT name FROM users WHERE id = 'a' -- why"));
        QVERIFY(has(t, "SELECT", TokenKind::Keyword) && has(t, "FROM", TokenKind::Keyword) && has(t, "'a'", TokenKind::String));
        QVERIFY(has(t, "-- why", TokenKind::Comment));
        QVERIFY(has(tokens("sql", "select 1"), "select", TokenKind::Keyword));

        t = tokens("json", QStringLiteral("{\"key\": \"value\", \"n\": -1.5e3, \"ok\": true}"));
        QVERIFY(has(t, "\"key\"", TokenKind::Attribute) && has(t, "\"value\"", TokenKind::String));
        QVERIFY(has(t, "1.5e3", TokenKind::Number) && has(t, "true", TokenKind::Literal));

        t = tokens("yaml", QStringLiteral("  name: \"x\" # c"));
        QVERIFY(has(t, "name", TokenKind::Attribute) && has(t, "\"x\"", TokenKind::String) && has(t, "# c", TokenKind::Comment));
        QVERIFY(has(tokens("yaml", "- enabled: true"), "enabled", TokenKind::Attribute));

        t = tokens("html", QStringLiteral("<a href=\"/x\">Tom &amp; Jerry</a><!-- c -->"));
        QVERIFY(has(t, "<a", TokenKind::Tag) && has(t, "href", TokenKind::Attribute) && has(t, "\"/x\"", TokenKind::String));
        QVERIFY(has(t, "&amp;", TokenKind::Literal) && has(t, "</a", TokenKind::Tag) && has(t, "<!-- c -->", TokenKind::Comment));

        t = tokens("css", QStringLiteral("  color: #ff0000; margin: 10px; /* c */"));
        QVERIFY(has(t, "color", TokenKind::Attribute) && has(t, "#ff0000", TokenKind::Number) && has(t, "10px", TokenKind::Number));
        QVERIFY(has(t, "/* c */", TokenKind::Comment));

        QVERIFY(has(tokens("md", "## Title"), "## Title", TokenKind::Heading));
        t = tokens("md", QStringLiteral("- see `code` and [it](http://x)"));
        QVERIFY(has(t, "-", TokenKind::Keyword) && has(t, "`code`", TokenKind::String) && has(t, "http://x", TokenKind::Attribute));

        QVERIFY(has(tokens("diff", "+added"), "+added", TokenKind::Inserted));
        QVERIFY(has(tokens("diff", "-gone"), "-gone", TokenKind::Deleted));
        QVERIFY(has(tokens("diff", "@@ -1,2 +1,3 @@"), "@@ -1,2 +1,3 @@", TokenKind::Preprocessor));
        QVERIFY(has(tokens("diff", "--- a/f"), "--- a/f", TokenKind::Heading));
    }

    void stateCarriesAcrossLines() {
        int state = 0;
        auto t = tokens("c", QStringLiteral("int a; /* starts"), 0, &state);
        QVERIFY(state != 0);
        t = tokens("c", QStringLiteral("still */ int b;"), state, &state);
        QVERIFY(has(t, "still */", TokenKind::Comment) && has(t, "int", TokenKind::Type));
        QCOMPARE(state, 0);

        tokens("python", QStringLiteral("s = \"\"\"doc"), 0, &state);
        QVERIFY(state != 0);
        t = tokens("python", QStringLiteral("def not_code\"\"\" + x"), state, &state);
        QVERIFY(has(t, "def not_code\"\"\"", TokenKind::String));
        QCOMPARE(state, 0);

        tokens("html", QStringLiteral("<div class=\"a\""), 0, &state);
        t = tokens("html", QStringLiteral("  id=\"b\">text"), state, &state);
        QVERIFY(has(t, "id", TokenKind::Attribute) && has(t, "\"b\"", TokenKind::String));
        QCOMPARE(state, 0);
    }

    void hostileLinesDoNotOverrun() {
        // Unterminated strings, lone quotes and escapes at the end of the line, empty lines.
        for (const char* language : {"python", "c", "js", "rust", "bash", "sql", "json", "yaml", "html", "css", "md", "diff"}) {
            for (const QString& line : {QString(), QStringLiteral("\""), QStringLiteral("'"), QStringLiteral("\"abc\\"),
                                        QStringLiteral("/*"), QStringLiteral("<"), QStringLiteral("<a b=\""), QStringLiteral("$"),
                                        QStringLiteral("${"), QStringLiteral("@"), QStringLiteral("`"), QStringLiteral("1e-"),
                                        QStringLiteral("&"), QStringLiteral("'\\")}) {
                for (int state = 0; state <= 5; ++state) {
                    const LanguageRules* rules = languageRules(QString::fromLatin1(language));
                    QVector<CodeToken> found;
                    tokenizeLine(*rules, line, state, found);
                    for (const CodeToken& t : found) QVERIFY(t.start >= 0 && t.length > 0 && t.start + t.length <= line.size());
                }
            }
        }
    }

    void coloursReadOnBothCodeBackgrounds() {
        const QColor light("#f3f4f6"), dark("#121317");  // Theme.codeBackground
        for (int k = int(TokenKind::Keyword); k <= int(TokenKind::Heading); ++k) {
            const double cl = contrast(tokenColor(TokenKind(k), false), light);
            const double cd = contrast(tokenColor(TokenKind(k), true), dark);
            QVERIFY2(cl >= 4.5, qPrintable(QStringLiteral("kind %1 light: %2").arg(k).arg(cl)));
            QVERIFY2(cd >= 4.5, qPrintable(QStringLiteral("kind %1 dark: %2").arg(k).arg(cd)));
        }
    }

    void highlighterFormatsADocument() {
        QTextDocument doc;
        doc.setPlainText(QStringLiteral("def f():\n    return 1  # one"));
        CodeHighlighter highlighter;
        highlighter.setDocument(&doc);
        highlighter.setLanguage(QStringLiteral("python"));
        QVERIFY(highlighter.known());
        const auto formats = doc.firstBlock().layout()->formats();
        QVERIFY(!formats.isEmpty());
        QCOMPARE(formats.first().start, 0);
        QCOMPARE(formats.first().length, 3);
        QCOMPARE(formats.first().format.foreground().color(), tokenColor(TokenKind::Keyword, false));
        highlighter.setDark(true);
        QCOMPARE(doc.firstBlock().layout()->formats().first().format.foreground().color(), tokenColor(TokenKind::Keyword, true));
    }

    void inlineCodeFollowsTheFontSizeAndLinksTheTheme() {
        QTextDocument doc;
        doc.setMarkdown(QStringLiteral("Run `make` or see [the docs](https://example.org)."));
        ProseStyler styler;
        styler.setDocument(&doc);
        styler.setCodePointSize(17);
        styler.setLinkColor(QColor("#8fb0ff"));
        bool code = false, link = false;
        for (const QTextLayout::FormatRange& r : doc.firstBlock().layout()->formats()) {
            const QString text = doc.firstBlock().text().mid(r.start, r.length);
            if (text == QLatin1String("make")) code = r.format.fontPointSize() == 17;
            if (text == QLatin1String("the docs")) link = r.format.foreground().color() == QColor("#8fb0ff");
        }
        QVERIFY(code);
        QVERIFY(link);
    }

    void repliesKeepTheirSingleLineBreaks() {
        QCOMPARE(withHardLineBreaks(QStringLiteral("Roses are red\nViolets are blue\n\nNext")),
                 QStringLiteral("Roses are red  \nViolets are blue\n\nNext"));
        QCOMPARE(withHardLineBreaks(QStringLiteral("a  \nb\\\nc")), QStringLiteral("a  \nb\\\nc"));
        QCOMPARE(withHardLineBreaks(QString()), QString());
        // Rendered: the two lines stay two lines.
        QTextDocument doc;
        doc.setMarkdown(withHardLineBreaks(QStringLiteral("line one\nline two")));
        QVERIFY(doc.toPlainText().contains(QChar::LineSeparator) || doc.blockCount() == 2);
        QVariantList segments = segmentsToVariant(splitMarkdown(QStringLiteral("x\ny\n```\nk\nl\n```")));
        QCOMPARE(segments.size(), 2);
        QCOMPARE(segments[0].toMap()[QStringLiteral("text")].toString(), QStringLiteral("x  \ny"));
        QCOMPARE(segments[1].toMap()[QStringLiteral("text")].toString(), QStringLiteral("k\nl"));  // code untouched
    }
};

CONFIDANT_REGISTER_TEST(CodeHighlighterTest);
#include "code_highlighter_test.moc"
