// Streaming token bytes as text: a token may end inside a multi-byte UTF-8 character, so text is
// only released up to the last complete character, and held back where it could start a stop string.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace confidant::inference::chat {

// The length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence.
size_t utf8CompletePrefix(std::string_view bytes);

// Accumulates a reply's bytes and says what may be shown so far.
class ReplyStream {
public:
    explicit ReplyStream(std::vector<std::string> stopStrings = {}) : m_stops(std::move(stopStrings)) {}

    // Adds a token's bytes; returns the newly releasable text (complete UTF-8, no possible stop-string start).
    std::string push(std::string_view bytes);
    // True once the reply contains a stop string; the reply is cut before it.
    bool stopped() const { return m_stopped; }
    // The rest at the end of generation (held-back text that turned out not to be a stop string).
    std::string finish();
    const std::string& text() const { return m_reply; }  // the reply so far (cut at a stop string)

private:
    std::vector<std::string> m_stops;
    std::string m_reply;
    size_t m_released = 0;
    bool m_stopped = false;
};

}  // namespace confidant::inference::chat
