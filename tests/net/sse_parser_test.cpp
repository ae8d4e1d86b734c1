// The event-stream parser on streams cut at every byte, with CRLF, LF and CR line ends, keep-alive
// comments, multi-line data and a hostile endless line.
#include <gtest/gtest.h>

#include "net/sse_parser.h"

namespace confidant::net {
namespace {

std::vector<SseEvent> parseInPieces(const std::string& stream, size_t cut1, size_t cut2) {
    SseParser parser;
    std::vector<SseEvent> events;
    EXPECT_TRUE(parser.feed(std::string_view(stream).substr(0, cut1), events).ok());
    EXPECT_TRUE(parser.feed(std::string_view(stream).substr(cut1, cut2 - cut1), events).ok());
    EXPECT_TRUE(parser.feed(std::string_view(stream).substr(cut2), events).ok());
    return events;
}

TEST(SseParser, EveryTwoCutsOfAStreamGiveTheSameEvents) {
    // "é" and "日" are multi-byte: some cuts fall inside them.
    for (const std::string eol : {"\n", "\r\n", "\r"}) {
        const std::string stream = ": keep-alive" + eol + "data: {\"a\":\"é\"}" + eol + eol + "event: error" + eol +
                                   "data: line1" + eol + "data:line2 日" + eol + eol + ":ping" + eol + eol +
                                   "data: [DONE]" + eol + eol;
        for (size_t a = 0; a <= stream.size(); ++a)
            for (size_t b = a; b <= stream.size(); ++b) {
                const auto events = parseInPieces(stream, a, b);
                ASSERT_EQ(events.size(), 3u) << "cuts " << a << "," << b << " eol " << eol.size();
                EXPECT_EQ(events[0].data, "{\"a\":\"é\"}");
                EXPECT_EQ(events[0].event, "");
                EXPECT_EQ(events[1].event, "error");
                EXPECT_EQ(events[1].data, "line1\nline2 日");
                EXPECT_EQ(events[2].data, "[DONE]");
            }
    }
}

TEST(SseParser, CrAtTheEndOfAChunkThenLfIsOneLineEnd) {
    SseParser parser;
    std::vector<SseEvent> events;
    ASSERT_TRUE(parser.feed("data: x\r", events).ok());
    ASSERT_TRUE(parser.feed("\n\r", events).ok());
    ASSERT_TRUE(parser.feed("\n", events).ok());
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, "x");
    EXPECT_FALSE(parser.hasPartialEvent());
}

TEST(SseParser, AnUnfinishedEventIsReportedAsPartial) {
    SseParser parser;
    std::vector<SseEvent> events;
    ASSERT_TRUE(parser.feed("data: {\"choices\":[{\"delta\":{\"content\":\"Hel", events).ok());
    EXPECT_TRUE(events.empty());
    EXPECT_TRUE(parser.hasPartialEvent());
}

TEST(SseParser, AnEndlessLineIsRefusedNotBuffered) {
    SseParser parser;
    std::vector<SseEvent> events;
    const std::string mib(1 << 20, 'x');
    Result<void> fed;
    for (int i = 0; i < 6 && fed.ok(); ++i) fed = parser.feed(mib, events);
    ASSERT_FALSE(fed.ok());
    EXPECT_NE(fed.error().message.find("MiB"), std::string::npos);
    EXPECT_FALSE(parser.feed("\n\n", events).ok());
}

TEST(SseParser, FieldsWithoutDataDispatchNothing) {
    SseParser parser;
    std::vector<SseEvent> events;
    ASSERT_TRUE(parser.feed("event: ping\n\nid: 3\nretry: 10\n\n", events).ok());
    EXPECT_TRUE(events.empty());
}

}  // namespace
}  // namespace confidant::net
