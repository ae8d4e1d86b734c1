// Server-Sent Events, as the OpenAI-compatible servers stream them: bytes arrive in chunks cut
// anywhere (mid-line, mid-UTF-8 character, between CR and LF), lines end in LF, CRLF or CR,
// lines starting with ':' are keep-alive comments, and a blank line ends an event.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace confidant::net {

struct SseEvent {
    std::string event;  // the "event:" field; empty for the default "message"
    std::string data;   // the "data:" lines joined with '\n'
};

class SseParser {
public:
    // A hostile server must not grow memory without bound: one line, or one event's data, may
    // be at most this long.
    static constexpr size_t k_maxLineBytes = 4u << 20;

    // Feeds the next chunk; appends every event it completes to `events`. Fails (and stays failed)
    // when a line or an event exceeds the limit.
    Result<void> feed(std::string_view chunk, std::vector<SseEvent>& events);

    // True while a partial line or an unterminated event is buffered: a stream that ends here was
    // cut.
    bool hasPartialEvent() const { return !m_line.empty() || m_hasData; }

private:
    void processLine(std::vector<SseEvent>& events);

    std::string m_line;
    SseEvent m_event;
    bool m_hasData = false;
    bool m_skipLf = false;  // the previous chunk ended in CR: an LF starting this one is part of it
    bool m_failed = false;
};

}  // namespace confidant::net
