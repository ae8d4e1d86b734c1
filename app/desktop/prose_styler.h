// Restyles what Qt's Markdown importer fixes regardless of the view: inline code gets the system
// fixed font at the system size (so it ignored the font-size setting), and links the application
// palette's dark blue (unreadable on the dark theme). As a QSyntaxHighlighter the overlay is
// applied per block and redone only for blocks that change, so a streaming reply stays cheap.
#pragma once

#include <QColor>
#include <QPointer>
#include <QQuickTextDocument>
#include <QSyntaxHighlighter>
#include <QtQml/qqmlregistration.h>

namespace confidant::app {

class ProseStyler : public QSyntaxHighlighter {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickTextDocument* document READ quickDocument WRITE setQuickDocument NOTIFY documentChanged)
    Q_PROPERTY(qreal codePointSize READ codePointSize WRITE setCodePointSize NOTIFY styleChanged)
    Q_PROPERTY(QColor linkColor READ linkColor WRITE setLinkColor NOTIFY styleChanged)
    Q_PROPERTY(QColor codeBackground READ codeBackground WRITE setCodeBackground NOTIFY styleChanged)
public:
    explicit ProseStyler(QObject* parent = nullptr);
    QQuickTextDocument* quickDocument() const { return m_quickDocument; }
    void setQuickDocument(QQuickTextDocument* document);
    qreal codePointSize() const { return m_codePointSize; }
    void setCodePointSize(qreal size);
    QColor linkColor() const { return m_linkColor; }
    void setLinkColor(const QColor& color);
    QColor codeBackground() const { return m_codeBackground; }
    void setCodeBackground(const QColor& color);

signals:
    void documentChanged();
    void styleChanged();

protected:
    void highlightBlock(const QString& text) override;

private:
    QPointer<QQuickTextDocument> m_quickDocument;
    qreal m_codePointSize = 0;
    QColor m_linkColor;
    QColor m_codeBackground;
};

}  // namespace confidant::app
