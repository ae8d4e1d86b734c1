#include "net/stop_sequences.h"

#include <algorithm>

namespace confidant::net {

std::string StopSequenceFilter::push(const std::string& piece) {
    if (m_stopped) return {};
    m_pending += piece;
    size_t first = std::string::npos;
    for (const auto& s : m_stops) first = std::min(first, m_pending.find(s));
    if (first != std::string::npos) {
        m_stopped = true;
        std::string out = m_pending.substr(0, first);
        m_pending.clear();
        return out;
    }
    // Keep the longest tail that is a proper prefix of some stop sequence.
    size_t keep = 0;
    for (const auto& s : m_stops)
        for (size_t n = std::min(s.size() - 1, m_pending.size()); n > keep; --n)
            if (m_pending.compare(m_pending.size() - n, n, s, 0, n) == 0) {
                keep = n;
                break;
            }
    std::string out = m_pending.substr(0, m_pending.size() - keep);
    m_pending.erase(0, m_pending.size() - keep);
    return out;
}

std::string StopSequenceFilter::flush() {
    std::string out;
    out.swap(m_pending);
    return m_stopped ? std::string() : out;
}

}  // namespace confidant::net
