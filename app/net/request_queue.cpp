#include "net/request_queue.h"

namespace confidant::net {

std::unique_ptr<RequestQueue::Place> RequestQueue::enter() {
    std::lock_guard lock(m_mutex);
    if (m_inFlight >= m_maxWaiting + 1) return nullptr;
    ++m_inFlight;
    return std::unique_ptr<Place>(new Place(*this, m_nextTicket++));
}

size_t RequestQueue::inFlight() const {
    std::lock_guard lock(m_mutex);
    return m_inFlight;
}

void RequestQueue::Place::waitTurn() {
    std::unique_lock lock(m_queue.m_mutex);
    m_queue.m_turn.wait(lock, [&] { return m_queue.m_serving == m_ticket; });
}

RequestQueue::Place::~Place() { m_queue.leave(m_ticket); }

void RequestQueue::leave(uint64_t ticket) {
    {
        std::lock_guard lock(m_mutex);
        --m_inFlight;
        if (ticket == m_serving) {
            ++m_serving;
            while (m_abandoned.erase(m_serving)) ++m_serving;
        } else {
            m_abandoned.insert(ticket);
        }
    }
    m_turn.notify_all();
}

}  // namespace confidant::net
