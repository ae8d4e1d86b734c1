// See sse_parser.h. Follows the HTML standard's event-stream interpretation, keeping only the
// "event" and "data" fields (OpenAI-compatible servers send no "id" or "retry").
#include "net/sse_parser.h"

namespace confidant::net {

Result<void> SseParser::feed(std::string_view chunk, std::vector<SseEvent>& events) {
    if (m_failed) return makeError("the event stream already exceeded its size limit");
    size_t i = 0;
    if (m_skipLf && !chunk.empty()) {
        if (chunk.front() == '\n') i = 1;
        m_skipLf = false;
    }
    while (i < chunk.size()) {
        const size_t end = chunk.find_first_of("\r\n", i);
        if (end == std::string_view::npos) {
            m_line.append(chunk.substr(i));
            break;
        }
        m_line.append(chunk.substr(i, end - i));
        if (chunk[end] == '\r') {
            if (end + 1 < chunk.size()) i = end + 1 + (chunk[end + 1] == '\n' ? 1 : 0);
            else {
                i = end + 1;
                m_skipLf = true;
            }
        } else {
            i = end + 1;
        }
        processLine(events);
        if (m_failed) break;
    }
    if (m_line.size() > k_maxLineBytes) m_failed = true;
    if (m_failed) return makeError("the server sent an event-stream line or event over " +
                                   std::to_string(k_maxLineBytes >> 20) + " MiB");
    return {};
}

void SseParser::processLine(std::vector<SseEvent>& events) {
    if (m_line.size() > k_maxLineBytes) {
        m_failed = true;
        return;
    }
    if (m_line.empty()) {
        if (m_hasData) events.push_back(std::move(m_event));
        m_event = {};
        m_hasData = false;
        return;
    }
    if (m_line.front() == ':') {  // comment (keep-alive)
        m_line.clear();
        return;
    }
    const size_t colon = m_line.find(':');
    std::string_view field(m_line);
    std::string_view value;
    if (colon != std::string::npos) {
        field = std::string_view(m_line).substr(0, colon);
        value = std::string_view(m_line).substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
        if (m_hasData) m_event.data += '\n';
        m_event.data.append(value);
        m_hasData = true;
        if (m_event.data.size() > k_maxLineBytes) m_failed = true;
    } else if (field == "event") {
        m_event.event.assign(value);
    }
    m_line.clear();
}

}  // namespace confidant::net
