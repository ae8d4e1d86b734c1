// Syntax highlighting of fenced code blocks. Debian 12 has no Qt 6 KSyntaxHighlighting, and GNU
// source-highlight writes whole HTML documents through Boost.Regex (no Go, Rust or TypeScript
// definitions in 3.1.9, no incremental per-line state for an editor); so this is a small
// tokenizer of our own: per language, comment, string and keyword rules, scanned one line at a
// time with the state (inside a block comment or a multi-line string) carried to the next line,
// as QSyntaxHighlighter wants. See docs/desktop-text.md.
#pragma once

#include <QColor>
#include <QPointer>
#include <QQuickTextDocument>
#include <QSyntaxHighlighter>
#include <QVector>
#include <QtQml/qqmlregistration.h>

namespace confidant::app {

enum class TokenKind { Keyword, Type, Literal, String, Number, Comment, Preprocessor, Tag, Attribute, Inserted, Deleted, Heading };

struct CodeToken {
    int start = 0;
    int length = 0;
    TokenKind kind = TokenKind::Keyword;
    bool operator==(const CodeToken&) const = default;
};

struct LanguageRules;

// The rules for a fence's info string ("py", "python3", "c++", "ts", "sh", ...), or null.
const LanguageRules* languageRules(QStringView fenceLanguage);

// Tokens of one line. `state` is the previous line's end state (0 at the start); returns this
// line's end state. Text not covered by a token is plain.
int tokenizeLine(const LanguageRules& rules, QStringView line, int state, QVector<CodeToken>& tokens);

// The colour of a token kind on the code block's background, light or dark theme (each at least
// 4.5:1 against Theme.codeBackground).
QColor tokenColor(TokenKind kind, bool dark);

// For QML: CodeHighlighter { document: someTextEdit.textDocument; language: "python"; dark: Theme.dark }
class CodeHighlighter : public QSyntaxHighlighter {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument* document READ quickDocument WRITE setQuickDocument NOTIFY documentChanged)
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    Q_PROPERTY(bool dark READ dark WRITE setDark NOTIFY darkChanged)
    Q_PROPERTY(bool known READ known NOTIFY languageChanged)  // whether the language has rules
public:
    explicit CodeHighlighter(QObject* parent = nullptr);
    QQuickTextDocument* quickDocument() const { return m_quickDocument; }
    void setQuickDocument(QQuickTextDocument* document);
    QString language() const { return m_language; }
    void setLanguage(const QString& language);
    bool dark() const { return m_dark; }
    void setDark(bool dark);
    bool known() const { return m_rules != nullptr; }

signals:
    void documentChanged();
    void languageChanged();
    void darkChanged();

protected:
    void highlightBlock(const QString& text) override;

private:
    QPointer<QQuickTextDocument> m_quickDocument;
    QString m_language;
    const LanguageRules* m_rules = nullptr;
    bool m_dark = false;
    QVector<CodeToken> m_tokens;
};

}  // namespace confidant::app
