// ReplyStream (UTF-8 completeness, stop strings) and splitMarkdown.
#include <QTest>

#include "markdown_segments.h"
#include "test_registry.h"
#include "chat/reply_stream.h"

using namespace confidant::app;
using confidant::inference::chat::ReplyStream;
using confidant::inference::chat::utf8CompletePrefix;

class TextProcessingTest : public QObject {
    Q_OBJECT
private slots:
    void completePrefixKeepsWholeCharacters() {
        const std::string euro = "\xE2\x82\xAC";  // €: three bytes
        QCOMPARE(utf8CompletePrefix("ab"), size_t(2));
        QCOMPARE(utf8CompletePrefix("a" + euro.substr(0, 1)), size_t(1));
        QCOMPARE(utf8CompletePrefix("a" + euro.substr(0, 2)), size_t(1));
        QCOMPARE(utf8CompletePrefix("a" + euro), size_t(4));
        const std::string emoji = "\xF0\x9F\x98\x80";  // four bytes
        QCOMPARE(utf8CompletePrefix(emoji.substr(0, 3)), size_t(0));
    }

    void streamReleasesCharactersSplitAcrossTokens() {
        ReplyStream stream;
        const std::string emoji = "\xF0\x9F\x98\x80";
        QCOMPARE(stream.push("Hi " + emoji.substr(0, 2)), std::string("Hi "));
        QCOMPARE(stream.push(emoji.substr(2, 1)), std::string());
        QCOMPARE(stream.push(emoji.substr(3) + "!"), emoji + "!");
        QCOMPARE(stream.finish(), std::string());
        QCOMPARE(stream.text(), "Hi " + emoji + "!");
    }

    void streamHoldsBackAPossibleStopStringAndCutsAtIt() {
        ReplyStream stream({"\nUser:"});
        QCOMPARE(stream.push("Fine."), std::string("Fine."));
        QCOMPARE(stream.push("\nUs"), std::string());  // could be the next turn starting
        QVERIFY(!stream.stopped());
        QCOMPARE(stream.push("er: hi"), std::string());
        QVERIFY(stream.stopped());
        QCOMPARE(stream.text(), std::string("Fine."));
    }

    void streamReleasesHeldTextThatIsNotAStopString() {
        ReplyStream stream({"\nUser:"});
        QCOMPARE(stream.push("a\nU"), std::string("a"));
        QCOMPARE(stream.push("nicorn"), std::string("\nUnicorn"));
        QCOMPARE(stream.push("\n"), std::string());
        QCOMPARE(stream.finish(), std::string("\n"));
    }

    void markdownSplitsProseAndFencedCode() {
        const auto segments = splitMarkdown(QStringLiteral("# Title\nSome *text*.\n\n```cpp\nint main() {}\n```\nAfter."));
        QCOMPARE(segments.size(), 3);
        QCOMPARE(segments[0].kind, MarkdownSegment::Kind::Prose);
        QCOMPARE(segments[0].text, QStringLiteral("# Title\nSome *text*.\n"));
        QCOMPARE(segments[1].kind, MarkdownSegment::Kind::Code);
        QCOMPARE(segments[1].language, QStringLiteral("cpp"));
        QCOMPARE(segments[1].text, QStringLiteral("int main() {}"));
        QCOMPARE(segments[2].text, QStringLiteral("After."));
    }

    void markdownUnclosedFenceRunsToTheEnd() {
        const auto segments = splitMarkdown(QStringLiteral("Code:\n~~~\nline 1\nline 2"));
        QCOMPARE(segments.size(), 2);
        QCOMPARE(segments[1].kind, MarkdownSegment::Kind::Code);
        QCOMPARE(segments[1].text, QStringLiteral("line 1\nline 2"));
        const QVariantList v = segmentsToVariant(segments);
        QCOMPARE(v[1].toMap().value(QStringLiteral("kind")).toString(), QStringLiteral("code"));
    }

    void markdownKeepsBackticksInsideALongerFence() {
        const auto segments = splitMarkdown(QStringLiteral("````\n```\ninner\n```\n````"));
        QCOMPARE(segments.size(), 1);
        QCOMPARE(segments[0].text, QStringLiteral("```\ninner\n```"));
    }
};

CONFIDANT_REGISTER_TEST(TextProcessingTest);
#include "text_processing_test.moc"
