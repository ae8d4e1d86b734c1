// The tokenizer behind CodeHighlighter: one generic scanner for the C-like, Python, shell, SQL and
// data languages, parameterised by LanguageRules, plus line-oriented modes for diff, Markdown,
// HTML/XML and YAML keys. Unknown languages stay plain.
#include "code_highlighter.h"

#include <QHash>
#include <QSet>
#include <QTextCharFormat>
#include <QTextDocument>

namespace confidant::app {

struct LanguageRules {
    enum class Mode { Generic, Diff, Markdown, Html };
    Mode mode = Mode::Generic;
    QStringList lineComments;
    QString blockStart, blockEnd;
    bool tripleQuotes = false;        // Python's """ and '''
    bool singleQuoteStrings = true;   // false where ' is a lifetime (Rust)
    bool backtickStrings = false;     // JavaScript templates, Go raw strings: may span lines
    bool caseInsensitive = false;     // SQL
    bool hashPreprocessor = false;    // C and C++: a line starting with #
    bool dollarVariables = false;     // shell: $HOME, ${x}
    bool capitalizedTypes = false;    // Java, TypeScript, Rust, C++: Name is a type
    bool dashInIdentifiers = false;   // CSS properties
    bool keysBeforeColon = false;     // JSON and CSS: "key": / property:
    bool yamlKeys = false;            // YAML: key: at the start of a line
    bool decorators = false;          // Python, Java, TypeScript: @name
    QSet<QString> keywords, types, literals;
};

namespace {

// Line end states.
enum State { Normal = 0, InBlockComment = 1, InTripleDouble = 2, InTripleSingle = 3, InBacktick = 4, InTag = 5 };

QSet<QString> words(const char* list) {
    QSet<QString> set;
    for (const QString& w : QString::fromLatin1(list).split(QLatin1Char(' '), Qt::SkipEmptyParts)) set.insert(w);
    return set;
}

const char* const cKeywords =
    "auto break case const continue default do else enum extern for goto if inline register restrict return sizeof "
    "static struct switch typedef union volatile while _Static_assert _Alignas _Alignof";
const char* const cTypes = "void char short int long float double signed unsigned bool _Bool size_t ssize_t "
                           "int8_t int16_t int32_t int64_t uint8_t uint16_t uint32_t uint64_t FILE";
const char* const cppKeywords =
    "alignas alignof and asm auto break case catch class concept const consteval constexpr constinit const_cast "
    "continue co_await co_return co_yield decltype default delete do dynamic_cast else enum explicit export extern "
    "final for friend goto if inline mutable namespace new noexcept not operator or override private protected "
    "public register reinterpret_cast requires return sizeof static static_assert static_cast struct switch "
    "template this thread_local throw try typedef typeid typename union using virtual volatile while";
const char* const jsKeywords =
    "async await break case catch class const continue debugger default delete do else export extends finally for "
    "from function if import in instanceof let new of return static super switch this throw try typeof var void "
    "while with yield";
const char* const tsExtra = "abstract as declare enum implements interface keyof namespace private protected public "
                            "readonly satisfies type is infer";
const char* const tsTypes = "string number boolean any unknown never object symbol bigint void";

LanguageRules cLike(const char* keywords, const char* types, const char* literals) {
    LanguageRules r;
    r.lineComments = {QStringLiteral("//")};
    r.blockStart = QStringLiteral("/*");
    r.blockEnd = QStringLiteral("*/");
    r.keywords = words(keywords);
    r.types = words(types);
    r.literals = words(literals);
    return r;
}

QHash<QString, LanguageRules> buildLanguages() {
    QHash<QString, LanguageRules> all;

    LanguageRules python;
    python.lineComments = {QStringLiteral("#")};
    python.tripleQuotes = true;
    python.decorators = true;
    python.keywords = words("and as assert async await break class continue def del elif else except finally for "
                            "from global if import in is lambda match case nonlocal not or pass raise return try "
                            "while with yield");
    python.types = words("int float str bool bytes list dict set tuple object type len print range self cls");
    python.literals = words("True False None");
    all.insert(QStringLiteral("python"), python);

    LanguageRules c = cLike(cKeywords, cTypes, "NULL true false");
    c.hashPreprocessor = true;
    all.insert(QStringLiteral("c"), c);

    LanguageRules cpp = cLike(cppKeywords, cTypes, "nullptr true false NULL");
    cpp.types += words("std string vector map optional unique_ptr shared_ptr wchar_t char8_t char16_t char32_t");
    cpp.hashPreprocessor = true;
    cpp.capitalizedTypes = true;
    all.insert(QStringLiteral("cpp"), cpp);

    LanguageRules js = cLike(jsKeywords, "", "true false null undefined NaN Infinity");
    js.backtickStrings = true;
    js.capitalizedTypes = true;
    all.insert(QStringLiteral("javascript"), js);
    LanguageRules ts = js;
    ts.keywords += words(tsExtra);
    ts.types = words(tsTypes);
    ts.decorators = true;
    all.insert(QStringLiteral("typescript"), ts);

    LanguageRules java = cLike("abstract assert break case catch class continue default do else enum extends final "
                               "finally for if implements import instanceof interface native new package private "
                               "protected public return static strictfp super switch synchronized this throw throws "
                               "transient try var void volatile while record sealed permits yield",
                               "boolean byte char short int long float double String Object", "true false null");
    java.capitalizedTypes = true;
    java.decorators = true;
    all.insert(QStringLiteral("java"), java);

    LanguageRules go = cLike("break case chan const continue default defer else fallthrough for func go goto if "
                             "import interface map package range return select struct switch type var",
                             "bool byte complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune "
                             "string uint uint8 uint16 uint32 uint64 uintptr any",
                             "true false nil iota");
    go.backtickStrings = true;
    all.insert(QStringLiteral("go"), go);

    LanguageRules rust = cLike("as async await break const continue crate dyn else enum extern fn for if impl in let "
                               "loop match mod move mut pub ref return self Self static struct super trait type "
                               "unsafe use where while macro_rules",
                               "i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str String "
                               "Vec Option Result Box",
                               "true false None Some Ok Err");
    rust.singleQuoteStrings = false;
    rust.capitalizedTypes = true;
    all.insert(QStringLiteral("rust"), rust);

    LanguageRules shell;
    shell.lineComments = {QStringLiteral("#")};
    shell.dollarVariables = true;
    shell.keywords = words("if then else elif fi case esac for while until do done in function select return "
                           "exit export local readonly declare set unset shift source alias");
    shell.types = words("echo printf cd ls cat grep sed awk find mkdir rm cp mv chmod chown sudo apt apt-get git "
                        "make cmake curl tar test read eval exec trap");
    all.insert(QStringLiteral("shell"), shell);

    LanguageRules sql;
    sql.lineComments = {QStringLiteral("--")};
    sql.blockStart = QStringLiteral("/*");
    sql.blockEnd = QStringLiteral("*/");
    sql.caseInsensitive = true;
    sql.keywords = words("select from where and or not insert into values update set delete create table drop "
                         "alter add index view join left right inner outer full cross on group by order having "
                         "limit offset as distinct union all exists in between like is primary key foreign "
                         "references unique default check constraint begin commit rollback transaction with case "
                         "when then else end returning if asc desc");
    sql.types = words("integer int bigint smallint text varchar char boolean real double float numeric decimal "
                      "date time timestamp blob serial");
    sql.literals = words("null true false");
    all.insert(QStringLiteral("sql"), sql);

    LanguageRules json;
    json.keysBeforeColon = true;
    json.singleQuoteStrings = false;
    json.literals = words("true false null");
    all.insert(QStringLiteral("json"), json);

    LanguageRules yaml;
    yaml.lineComments = {QStringLiteral("#")};
    yaml.yamlKeys = true;
    yaml.literals = words("true false null yes no on off ~");
    all.insert(QStringLiteral("yaml"), yaml);

    LanguageRules css;
    css.blockStart = QStringLiteral("/*");
    css.blockEnd = QStringLiteral("*/");
    css.dashInIdentifiers = true;
    css.keysBeforeColon = true;
    css.keywords = words("@media @import @font-face @keyframes @supports !important from to");
    all.insert(QStringLiteral("css"), css);

    LanguageRules html;
    html.mode = LanguageRules::Mode::Html;
    all.insert(QStringLiteral("html"), html);
    LanguageRules markdown;
    markdown.mode = LanguageRules::Mode::Markdown;
    all.insert(QStringLiteral("markdown"), markdown);
    LanguageRules diff;
    diff.mode = LanguageRules::Mode::Diff;
    all.insert(QStringLiteral("diff"), diff);
    return all;
}

const QHash<QString, QString>& aliases() {
    static const QHash<QString, QString> map = [] {
        QHash<QString, QString> m;
        const auto add = [&m](const char* names, const char* language) {
            for (const QString& n : QString::fromLatin1(names).split(QLatin1Char(' ')))
                m.insert(n, QString::fromLatin1(language));
        };
        add("python py py3 python3 gyp", "python");
        add("c h", "c");
        add("cpp c++ cc cxx hpp hh hxx", "cpp");
        add("javascript js jsx mjs cjs node", "javascript");
        add("typescript ts tsx mts", "typescript");
        add("java", "java");
        add("go golang", "go");
        add("rust rs", "rust");
        add("shell sh bash zsh console shellsession ksh", "shell");
        add("sql sqlite postgresql psql mysql", "sql");
        add("json jsonc json5", "json");
        add("yaml yml", "yaml");
        add("css scss less", "css");
        add("html htm xml xhtml svg vue", "html");
        add("markdown md", "markdown");
        add("diff patch udiff", "diff");
        return m;
    }();
    return map;
}

bool isIdentifierStart(QChar c) { return c.isLetter() || c == QLatin1Char('_'); }
bool isIdentifierPart(QChar c, bool dash) {
    return c.isLetterOrNumber() || c == QLatin1Char('_') || (dash && c == QLatin1Char('-'));
}

// Where the string opened by line[from] (a quote character) ends: the index after its closing
// quote, or -1 when the line ends first. Backslash escapes the next character.
qsizetype stringEnd(QStringView line, qsizetype from, QChar quote) {
    for (qsizetype i = from + 1; i < line.size(); ++i) {
        if (line[i] == QLatin1Char('\\')) { ++i; continue; }
        if (line[i] == quote) return i + 1;
    }
    return -1;
}

void add(QVector<CodeToken>& tokens, qsizetype start, qsizetype end, TokenKind kind) {
    if (end > start) tokens.append({int(start), int(end - start), kind});
}

int tokenizeDiff(QStringView line, QVector<CodeToken>& tokens) {
    const auto starts = [&](const char* s) { return line.startsWith(QLatin1String(s)); };
    if (starts("+++") || starts("---") || starts("diff ") || starts("index ")) add(tokens, 0, line.size(), TokenKind::Heading);
    else if (starts("@@")) add(tokens, 0, line.size(), TokenKind::Preprocessor);
    else if (starts("+")) add(tokens, 0, line.size(), TokenKind::Inserted);
    else if (starts("-")) add(tokens, 0, line.size(), TokenKind::Deleted);
    return Normal;
}

int tokenizeMarkdown(QStringView line, QVector<CodeToken>& tokens) {
    qsizetype i = 0;
    while (i < line.size() && line[i] == QLatin1Char(' ')) ++i;
    const QStringView rest = line.mid(i);
    qsizetype hashes = 0;
    while (hashes < rest.size() && rest[hashes] == QLatin1Char('#')) ++hashes;
    if (hashes >= 1 && hashes <= 6 && (hashes == rest.size() || rest[hashes] == QLatin1Char(' '))) {
        add(tokens, i, line.size(), TokenKind::Heading);
        return Normal;
    }
    if (rest.startsWith(QLatin1Char('>'))) {
        add(tokens, i, line.size(), TokenKind::Comment);
        return Normal;
    }
    if (rest.startsWith(QLatin1String("- ")) || rest.startsWith(QLatin1String("* ")) || rest.startsWith(QLatin1String("+ ")))
        add(tokens, i, i + 1, TokenKind::Keyword);
    for (qsizetype j = i; j < line.size(); ++j) {
        if (line[j] == QLatin1Char('`')) {
            const qsizetype end = line.indexOf(QLatin1Char('`'), j + 1);
            if (end < 0) break;
            add(tokens, j, end + 1, TokenKind::String);
            j = end;
        } else if (line[j] == QLatin1Char(']') && j + 1 < line.size() && line[j + 1] == QLatin1Char('(')) {
            const qsizetype end = line.indexOf(QLatin1Char(')'), j + 2);
            if (end < 0) break;
            add(tokens, j + 2, end, TokenKind::Attribute);
            j = end;
        }
    }
    return Normal;
}

// Inside a tag from `i`: attributes and quoted values up to '>'. Returns the index after '>' or -1.
qsizetype tokenizeTagBody(QStringView line, qsizetype i, QVector<CodeToken>& tokens) {
    while (i < line.size()) {
        const QChar c = line[i];
        if (c == QLatin1Char('>')) {
            add(tokens, i, i + 1, TokenKind::Tag);
            return i + 1;
        }
        if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            const qsizetype end = stringEnd(line, i, c);
            add(tokens, i, end < 0 ? line.size() : end, TokenKind::String);
            if (end < 0) return -1;
            i = end;
        } else if (isIdentifierStart(c)) {
            qsizetype end = i;
            while (end < line.size() && (isIdentifierPart(line[end], true) || line[end] == QLatin1Char(':'))) ++end;
            add(tokens, i, end, TokenKind::Attribute);
            i = end;
        } else {
            ++i;
        }
    }
    return -1;
}

int tokenizeHtml(QStringView line, int state, QVector<CodeToken>& tokens) {
    qsizetype i = 0;
    if (state == InBlockComment) {
        const qsizetype end = line.indexOf(QLatin1String("-->"));
        add(tokens, 0, end < 0 ? line.size() : end + 3, TokenKind::Comment);
        if (end < 0) return InBlockComment;
        i = end + 3;
    } else if (state == InTag) {
        i = tokenizeTagBody(line, 0, tokens);
        if (i < 0) return InTag;
    }
    while (i < line.size()) {
        if (line.mid(i).startsWith(QLatin1String("<!--"))) {
            const qsizetype end = line.indexOf(QLatin1String("-->"), i + 4);
            add(tokens, i, end < 0 ? line.size() : end + 3, TokenKind::Comment);
            if (end < 0) return InBlockComment;
            i = end + 3;
        } else if (line[i] == QLatin1Char('<') && i + 1 < line.size() &&
                   (line[i + 1].isLetter() || line[i + 1] == QLatin1Char('/') || line[i + 1] == QLatin1Char('!') ||
                    line[i + 1] == QLatin1Char('?'))) {
            qsizetype end = i + 2;
            while (end < line.size() && (isIdentifierPart(line[end], true) || line[end] == QLatin1Char(':'))) ++end;
            add(tokens, i, end, TokenKind::Tag);
            i = tokenizeTagBody(line, end, tokens);
            if (i < 0) return InTag;
        } else if (line[i] == QLatin1Char('&')) {
            const qsizetype end = line.indexOf(QLatin1Char(';'), i);
            if (end > i && end - i <= 10) {
                add(tokens, i, end + 1, TokenKind::Literal);
                i = end + 1;
            } else {
                ++i;
            }
        } else {
            ++i;
        }
    }
    return Normal;
}

int tokenizeGeneric(const LanguageRules& r, QStringView line, int state, QVector<CodeToken>& tokens) {
    qsizetype i = 0;
    const qsizetype n = line.size();
    // Continue what the previous line left open.
    if (state == InBlockComment) {
        const qsizetype end = line.indexOf(r.blockEnd);
        add(tokens, 0, end < 0 ? n : end + r.blockEnd.size(), TokenKind::Comment);
        if (end < 0) return InBlockComment;
        i = end + r.blockEnd.size();
    } else if (state == InTripleDouble || state == InTripleSingle) {
        const QLatin1String close(state == InTripleDouble ? "\"\"\"" : "'''");
        const qsizetype end = line.indexOf(close);
        add(tokens, 0, end < 0 ? n : end + 3, TokenKind::String);
        if (end < 0) return state;
        i = end + 3;
    } else if (state == InBacktick) {
        const qsizetype end = stringEnd(line, -1, QLatin1Char('`'));
        add(tokens, 0, end < 0 ? n : end, TokenKind::String);
        if (end < 0) return InBacktick;
        i = end;
    }
    if (r.yamlKeys && i == 0) {
        qsizetype k = 0;
        while (k < n && line[k] == QLatin1Char(' ')) ++k;
        if (line.mid(k).startsWith(QLatin1String("- "))) {
            add(tokens, k, k + 1, TokenKind::Keyword);
            k += 2;
        }
        qsizetype colon = k;
        while (colon < n && line[colon] != QLatin1Char(':') && line[colon] != QLatin1Char('#') &&
               line[colon] != QLatin1Char('"') && line[colon] != QLatin1Char('\''))
            ++colon;
        if (colon < n && colon > k && line[colon] == QLatin1Char(':') && (colon + 1 == n || line[colon + 1] == QLatin1Char(' '))) {
            add(tokens, k, colon, TokenKind::Attribute);
            i = colon + 1;
        }
    }
    bool lineStart = true;  // only whitespace so far
    for (qsizetype k = 0; k < i; ++k) lineStart = lineStart && line[k].isSpace();
    while (i < n) {
        const QChar c = line[i];
        const QStringView rest = line.mid(i);
        if (c.isSpace()) { ++i; continue; }
        if (r.hashPreprocessor && lineStart && c == QLatin1Char('#')) {
            // The directive, then an #include's <file> or "file" as a string.
            add(tokens, i, n, TokenKind::Preprocessor);
            return Normal;
        }
        lineStart = false;
        bool comment = false;
        for (const QString& lc : r.lineComments) {
            // A shell or YAML # starts a comment only at the start of a word ($# and a#b do not).
            if (rest.startsWith(lc) && (lc != QLatin1String("#") || i == 0 || line[i - 1].isSpace())) comment = true;
        }
        if (comment) {
            add(tokens, i, n, TokenKind::Comment);
            return Normal;
        }
        if (!r.blockStart.isEmpty() && rest.startsWith(r.blockStart)) {
            const qsizetype end = line.indexOf(r.blockEnd, i + r.blockStart.size());
            add(tokens, i, end < 0 ? n : end + r.blockEnd.size(), TokenKind::Comment);
            if (end < 0) return InBlockComment;
            i = end + r.blockEnd.size();
            continue;
        }
        if (r.tripleQuotes && (rest.startsWith(QLatin1String("\"\"\"")) || rest.startsWith(QLatin1String("'''")))) {
            const qsizetype end = line.indexOf(rest.left(3), i + 3);
            add(tokens, i, end < 0 ? n : end + 3, TokenKind::String);
            if (end < 0) return c == QLatin1Char('"') ? InTripleDouble : InTripleSingle;
            i = end + 3;
            continue;
        }
        if (c == QLatin1Char('"') || (c == QLatin1Char('\'') && r.singleQuoteStrings) || (c == QLatin1Char('`') && r.backtickStrings)) {
            const qsizetype end = stringEnd(line, i, c);
            TokenKind kind = TokenKind::String;
            if (r.keysBeforeColon && end > 0) {
                qsizetype after = end;
                while (after < n && line[after].isSpace()) ++after;
                if (after < n && line[after] == QLatin1Char(':')) kind = TokenKind::Attribute;
            }
            add(tokens, i, end < 0 ? n : end, kind);
            if (end < 0) return c == QLatin1Char('`') ? InBacktick : Normal;
            i = end;
            continue;
        }
        if (c == QLatin1Char('\'') && !r.singleQuoteStrings && i + 2 < n) {
            // Rust: 'x' and '\n' are characters; 'a alone is a lifetime.
            const qsizetype end = line[i + 1] == QLatin1Char('\\') ? line.indexOf(QLatin1Char('\''), i + 2)
                                                                  : (line[i + 2] == QLatin1Char('\'') ? i + 2 : -1);
            if (end > 0) {
                add(tokens, i, end + 1, TokenKind::String);
                i = end + 1;
                continue;
            }
        }
        if (c.isDigit() || (c == QLatin1Char('.') && i + 1 < n && line[i + 1].isDigit()) ||
            (r.dashInIdentifiers && c == QLatin1Char('#') && i + 1 < n && line[i + 1].isLetterOrNumber())) {
            qsizetype end = i + 1;
            while (end < n && (line[end].isLetterOrNumber() || line[end] == QLatin1Char('.') || line[end] == QLatin1Char('_') ||
                               line[end] == QLatin1Char('%') ||
                               ((line[end] == QLatin1Char('-') || line[end] == QLatin1Char('+')) &&
                                (line[end - 1] == QLatin1Char('e') || line[end - 1] == QLatin1Char('E')) && !rest.startsWith(QLatin1String("0x")))))
                ++end;
            add(tokens, i, end, TokenKind::Number);
            i = end;
            continue;
        }
        if (r.dollarVariables && c == QLatin1Char('$') && i + 1 < n) {
            qsizetype end = i + 1;
            if (line[end] == QLatin1Char('{')) {
                const qsizetype close = line.indexOf(QLatin1Char('}'), end);
                end = close < 0 ? n : close + 1;
            } else {
                while (end < n && (isIdentifierPart(line[end], false) || (end == i + 1 && QStringLiteral("@#?*!$-").contains(line[end])))) ++end;
            }
            add(tokens, i, end, TokenKind::Type);
            i = end;
            continue;
        }
        if (r.decorators && c == QLatin1Char('@') && i + 1 < n && isIdentifierStart(line[i + 1])) {
            qsizetype end = i + 1;
            while (end < n && (isIdentifierPart(line[end], false) || line[end] == QLatin1Char('.'))) ++end;
            add(tokens, i, end, TokenKind::Preprocessor);
            i = end;
            continue;
        }
        const bool atWord = isIdentifierStart(c) || (r.dashInIdentifiers && (c == QLatin1Char('@') || c == QLatin1Char('!')));
        if (atWord) {
            qsizetype end = i + 1;
            while (end < n && isIdentifierPart(line[end], r.dashInIdentifiers)) ++end;
            const QString word = line.mid(i, end - i).toString();
            const QString key = r.caseInsensitive ? word.toLower() : word;
            if (r.keywords.contains(key)) add(tokens, i, end, TokenKind::Keyword);
            else if (r.literals.contains(key)) add(tokens, i, end, TokenKind::Literal);
            else if (r.types.contains(key) || (r.capitalizedTypes && word[0].isUpper()))
                add(tokens, i, end, TokenKind::Type);
            else if (r.keysBeforeColon) {
                qsizetype after = end;
                while (after < n && line[after] == QLatin1Char(' ')) ++after;
                if (after < n && line[after] == QLatin1Char(':') && !line.contains(QLatin1Char('{')))
                    add(tokens, i, end, TokenKind::Attribute);
            }
            i = end;
            continue;
        }
        ++i;
    }
    return Normal;
}

}  // namespace

const LanguageRules* languageRules(QStringView fenceLanguage) {
    static const QHash<QString, LanguageRules> languages = buildLanguages();
    // The info string's first word: "python title=x.py" -> "python"; {.rust} -> rust.
    QString name = fenceLanguage.trimmed().toString().toLower();
    name = name.section(QLatin1Char(' '), 0, 0).remove(QLatin1Char('{')).remove(QLatin1Char('}'));
    if (name.startsWith(QLatin1Char('.'))) name.remove(0, 1);
    const auto alias = aliases().constFind(name);
    if (alias == aliases().constEnd()) return nullptr;
    const auto rules = languages.constFind(*alias);
    return rules == languages.constEnd() ? nullptr : &*rules;
}

int tokenizeLine(const LanguageRules& rules, QStringView line, int state, QVector<CodeToken>& tokens) {
    tokens.clear();
    switch (rules.mode) {
        case LanguageRules::Mode::Diff: return tokenizeDiff(line, tokens);
        case LanguageRules::Mode::Markdown: return tokenizeMarkdown(line, tokens);
        case LanguageRules::Mode::Html: return tokenizeHtml(line, state, tokens);
        case LanguageRules::Mode::Generic: break;
    }
    return tokenizeGeneric(rules, line, state, tokens);
}

QColor tokenColor(TokenKind kind, bool dark) {
    // Checked by the test for >= 4.5:1 on Theme.codeBackground (#f3f4f6 light, #121317 dark).
    switch (kind) {
        case TokenKind::Keyword: return QColor(dark ? "#c792ea" : "#8e24aa");
        case TokenKind::Type: return QColor(dark ? "#7fd4e8" : "#00707a");
        case TokenKind::Literal: return QColor(dark ? "#f78c6c" : "#b34700");
        case TokenKind::String: return QColor(dark ? "#a8d98a" : "#2e7d32");
        case TokenKind::Number: return QColor(dark ? "#f5b971" : "#a14900");
        case TokenKind::Comment: return QColor(dark ? "#9aa1ad" : "#5f6670");
        case TokenKind::Preprocessor: return QColor(dark ? "#ff9cac" : "#b0245b");
        case TokenKind::Tag: return QColor(dark ? "#82aaff" : "#1c55c4");
        case TokenKind::Attribute: return QColor(dark ? "#ffcb6b" : "#8a5a00");
        case TokenKind::Inserted: return QColor(dark ? "#8fdc8f" : "#1b6e1b");
        case TokenKind::Deleted: return QColor(dark ? "#ff8a8a" : "#b3261e");
        case TokenKind::Heading: return QColor(dark ? "#82aaff" : "#1c55c4");
    }
    return {};
}

CodeHighlighter::CodeHighlighter(QObject* parent) : QSyntaxHighlighter(parent) {}

void CodeHighlighter::setQuickDocument(QQuickTextDocument* document) {
    if (m_quickDocument == document) return;
    m_quickDocument = document;
    setDocument(document != nullptr ? document->textDocument() : nullptr);
    emit documentChanged();
}

void CodeHighlighter::setLanguage(const QString& language) {
    if (m_language == language) return;
    m_language = language;
    m_rules = languageRules(language);
    emit languageChanged();
    rehighlight();
}

void CodeHighlighter::setDark(bool dark) {
    if (m_dark == dark) return;
    m_dark = dark;
    emit darkChanged();
    rehighlight();
}

void CodeHighlighter::highlightBlock(const QString& text) {
    if (m_rules == nullptr) return;
    const int state = tokenizeLine(*m_rules, text, qMax(0, previousBlockState()), m_tokens);
    setCurrentBlockState(state);
    for (const CodeToken& t : std::as_const(m_tokens)) {
        QTextCharFormat format;
        format.setForeground(tokenColor(t.kind, m_dark));
        if (t.kind == TokenKind::Heading) format.setFontWeight(QFont::Bold);
        if (t.kind == TokenKind::Comment) format.setFontItalic(true);
        setFormat(t.start, t.length, format);
    }
}

}  // namespace confidant::app
