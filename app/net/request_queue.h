// The bounded queue in front of the one loaded model: one request runs, at most `maxWaiting`
// wait in arrival order, and the rest are refused at once (the server answers 429).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>

namespace confidant::net {

class RequestQueue {
public:
    explicit RequestQueue(size_t maxWaiting) : m_maxWaiting(maxWaiting) {}

    class Place {
    public:
        ~Place();
        Place(const Place&) = delete;
        Place& operator=(const Place&) = delete;
        // Blocks until this request is the one running.
        void waitTurn();

    private:
        friend class RequestQueue;
        Place(RequestQueue& queue, uint64_t ticket) : m_queue(queue), m_ticket(ticket) {}
        RequestQueue& m_queue;
        uint64_t m_ticket;
    };

    // A place in the queue, or null when it is full. Dropping the place (finished, or the client
    // gave up while waiting) lets the next one run.
    std::unique_ptr<Place> enter();

    size_t inFlight() const;  // running + waiting
    size_t maxWaiting() const { return m_maxWaiting; }

private:
    void leave(uint64_t ticket);

    const size_t m_maxWaiting;
    mutable std::mutex m_mutex;
    std::condition_variable m_turn;
    uint64_t m_nextTicket = 0;
    uint64_t m_serving = 0;
    std::set<uint64_t> m_abandoned;  // tickets that left before their turn
    size_t m_inFlight = 0;
};

}  // namespace confidant::net
