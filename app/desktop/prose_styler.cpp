#include "prose_styler.h"

#include <QTextBlock>
#include <QTextDocument>

namespace confidant::app {

ProseStyler::ProseStyler(QObject* parent) : QSyntaxHighlighter(parent) {}

void ProseStyler::setQuickDocument(QQuickTextDocument* document) {
    if (m_quickDocument == document) return;
    m_quickDocument = document;
    setDocument(document != nullptr ? document->textDocument() : nullptr);
    emit documentChanged();
}

void ProseStyler::setCodePointSize(qreal size) {
    if (qFuzzyCompare(m_codePointSize, size)) return;
    m_codePointSize = size;
    emit styleChanged();
    rehighlight();
}

void ProseStyler::setLinkColor(const QColor& color) {
    if (m_linkColor == color) return;
    m_linkColor = color;
    emit styleChanged();
    rehighlight();
}

void ProseStyler::setCodeBackground(const QColor& color) {
    if (m_codeBackground == color) return;
    m_codeBackground = color;
    emit styleChanged();
    rehighlight();
}

void ProseStyler::highlightBlock(const QString&) {
    const QTextBlock block = currentBlock();
    for (auto it = block.begin(); !it.atEnd(); ++it) {
        const QTextFragment fragment = it.fragment();
        if (!fragment.isValid()) continue;
        const QTextCharFormat source = fragment.charFormat();
        QTextCharFormat overlay;
        bool changed = false;
        if (source.fontFixedPitch()) {
            if (m_codePointSize > 0) overlay.setFontPointSize(m_codePointSize);
            if (m_codeBackground.isValid()) overlay.setBackground(m_codeBackground);
            changed = true;
        }
        if (source.isAnchor() && m_linkColor.isValid()) {
            overlay.setForeground(m_linkColor);
            overlay.setFontUnderline(true);
            changed = true;
        }
        if (changed) setFormat(fragment.position() - block.position(), fragment.length(), overlay);
    }
}

}  // namespace confidant::app
