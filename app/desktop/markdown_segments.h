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
// For QML: a list of {kind: "prose"|"code", text, language}.
QVariantList segmentsToVariant(const QVector<MarkdownSegment>& segments);

}  // namespace confidant::app
