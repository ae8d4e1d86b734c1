// Stop sequences over streamed text: holds back the tail that could still become a stop
// sequence, so that a stop sequence is never sent, even when it spans several tokens.
#pragma once

#include <string>
#include <vector>

namespace confidant::net {

class StopSequenceFilter {
public:
    explicit StopSequenceFilter(std::vector<std::string> stops) : m_stops(std::move(stops)) {}

    // Adds generated text; returns the text that is now safe to send. After a stop sequence is
    // found, stopped() is true and the text from it on is dropped.
    std::string push(const std::string& piece);
    // The held-back tail, at the end of generation.
    std::string flush();
    bool stopped() const { return m_stopped; }

private:
    std::vector<std::string> m_stops;
    std::string m_pending;
    bool m_stopped = false;
};

}  // namespace confidant::net
