// Splits a message's Markdown into prose and fenced code blocks, so that the view renders prose
// with Text.MarkdownText and each code block in monospace with its own copy button. An unclosed
// fence (a reply still streaming) runs to the end of the text.
#pragma once

#include <QString>
#include <QVariantList>
#include <QVector>

namespace confidant::app {

struct MarkdownSegment {
    enum class Kind { Prose, Code };
    Kind kind = Kind::Prose;
    QString text;      // prose: Markdown; code: the code without its fences
    QString language;  // code only: the fence's info string, e.g. "cpp"
};

QVector<MarkdownSegment> splitMarkdown(const QString& text);

// A reply's single line breaks kept, as the peers show them (CommonMark would join the lines of a
// paragraph): each line followed by a non-blank line gets a hard break (two trailing spaces, which
// are invisible where Markdown takes them literally, e.g. in an indented code block or a table).
QString withHardLineBreaks(const QString& prose);

// For QML: a list of {kind: "prose"|"code", text, language}; prose with hard line breaks.
QVariantList segmentsToVariant(const QVector<MarkdownSegment>& segments);

}  // namespace confidant::app
