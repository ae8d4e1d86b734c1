// splitMarkdown: a line-based scan for ``` and ~~~ fences (CommonMark's fenced code blocks).
#include "markdown_segments.h"

#include <QVariantMap>

namespace confidant::app {

QVector<MarkdownSegment> splitMarkdown(const QString& text) {
    QVector<MarkdownSegment> segments;
    MarkdownSegment current;
    QString fence;  // the opening fence while inside a code block
    const auto flush = [&] {
        if (current.kind == MarkdownSegment::Kind::Code || !current.text.trimmed().isEmpty()) {
            if (current.text.endsWith(QLatin1Char('\n'))) current.text.chop(1);
            segments.push_back(current);
        }
        current = {};
    };
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString& line = lines[i];
        const QString trimmed = line.trimmed();
        const bool last = i + 1 == lines.size();
        if (fence.isEmpty()) {
            if (trimmed.startsWith(QLatin1String("```")) || trimmed.startsWith(QLatin1String("~~~"))) {
                flush();
                qsizetype n = 0;
                while (n < trimmed.size() && trimmed[n] == trimmed[0]) ++n;
                fence = trimmed.left(n);
                current.kind = MarkdownSegment::Kind::Code;
                current.language = trimmed.mid(n).trimmed();
                continue;
            }
            current.text += line;
        } else {
            if (trimmed.startsWith(fence) && trimmed.mid(fence.size()).trimmed().isEmpty() &&
                trimmed.count(fence[0]) >= fence.size()) {
                flush();
                fence.clear();
                continue;
            }
            current.text += line;
        }
        if (!last) current.text += QLatin1Char('\n');
    }
    flush();
    return segments;
}

QString withHardLineBreaks(const QString& prose) {
    const QStringList lines = prose.split(QLatin1Char('\n'));
    QString out;
    out.reserve(prose.size() + lines.size() * 2);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString& line = lines[i];
        out += line;
        if (i + 1 == lines.size()) break;
        const bool blank = line.trimmed().isEmpty();
        const bool nextBlank = lines[i + 1].trimmed().isEmpty();
        if (!blank && !nextBlank && !line.endsWith(QLatin1String("  ")) && !line.endsWith(QLatin1Char('\\')))
            out += QLatin1String("  ");
        out += QLatin1Char('\n');
    }
    return out;
}

QVariantList segmentsToVariant(const QVector<MarkdownSegment>& segments) {
    QVariantList list;
    for (const MarkdownSegment& s : segments)
        list.append(QVariantMap{{QStringLiteral("kind"), s.kind == MarkdownSegment::Kind::Code ? QStringLiteral("code")
                                                                                                  : QStringLiteral("prose")},
                                {QStringLiteral("text"), s.kind == MarkdownSegment::Kind::Code ? s.text : withHardLineBreaks(s.text)},
                                {QStringLiteral("language"), s.language}});
    return list;
}

}  // namespace confidant::app
