// ReplyStream: UTF-8 completeness and stop-string hold-back.
#include "chat/reply_stream.h"

#include <algorithm>

namespace confidant::inference::chat {

size_t utf8CompletePrefix(std::string_view bytes) {
    const size_t n = bytes.size();
    // Look back at most 3 bytes for the lead byte of the last sequence.
    for (size_t back = 1; back <= std::min<size_t>(4, n); ++back) {
        const auto c = static_cast<unsigned char>(bytes[n - back]);
        if ((c & 0xC0) == 0x80) continue;  // a continuation byte: keep looking for the lead
        size_t needed = 1;
        if ((c & 0xE0) == 0xC0) needed = 2;
        else if ((c & 0xF0) == 0xE0) needed = 3;
        else if ((c & 0xF8) == 0xF0) needed = 4;
        return needed > back ? n - back : n;
    }
    return n;  // only continuation bytes (invalid UTF-8): release them, the decoder replaces them
}

std::string ReplyStream::push(std::string_view bytes) {
    if (m_stopped) return {};
    m_reply.append(bytes);
    for (const std::string& stop : m_stops) {
        const size_t at = m_reply.find(stop, m_released > stop.size() ? m_released - stop.size() : 0);
        if (at != std::string::npos) {
            m_reply.resize(at);
            m_stopped = true;
            std::string out = m_released < at ? m_reply.substr(m_released) : std::string();
            m_released = m_reply.size();
            return out;
        }
    }
    // Hold back the longest tail that could still grow into a stop string.
    size_t holdBack = 0;
    for (const std::string& stop : m_stops)
        for (size_t len = std::min(stop.size() - 1, m_reply.size()); len > holdBack; --len)
            if (m_reply.compare(m_reply.size() - len, len, stop, 0, len) == 0) {
                holdBack = len;
                break;
            }
    const size_t end = utf8CompletePrefix(std::string_view(m_reply).substr(0, m_reply.size() - holdBack));
    if (end <= m_released) return {};
    std::string out = m_reply.substr(m_released, end - m_released);
    m_released = end;
    return out;
}

std::string ReplyStream::finish() {
    std::string out = m_released < m_reply.size() ? m_reply.substr(m_released) : std::string();
    m_released = m_reply.size();
    return out;
}

}  // namespace confidant::inference::chat
