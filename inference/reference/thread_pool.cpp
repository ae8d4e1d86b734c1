// Worker threads that split a loop into one contiguous range per thread.
#include "reference/thread_pool.h"

#include <system_error>

namespace confidant::inference::reference {

ThreadPool::ThreadPool(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 1; i < threads; ++i) {
        // Under a process or memory limit a thread may not start (std::system_error): the pool
        // then works with the threads it has; rangeOf() splits by size(), not by the request.
        try {
            m_workers.emplace_back([this, i] { workerLoop(i); });
        } catch (const std::system_error&) {
            break;
        }
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto& t : m_workers) t.join();
}

static std::pair<size_t, size_t> rangeOf(size_t count, unsigned index, unsigned parts) {
    const size_t chunk = (count + parts - 1) / parts;
    const size_t begin = std::min(count, chunk * index);
    return {begin, std::min(count, begin + chunk)};
}

void ThreadPool::parallelFor(size_t count, const std::function<void(size_t, size_t)>& fn) {
    if (m_workers.empty() || count < 2) {
        fn(0, count);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_job = &fn;
        m_count = count;
        m_pending = unsigned(m_workers.size());
        ++m_generation;
    }
    m_wake.notify_all();
    const auto [begin, end] = rangeOf(count, 0, size());
    if (begin < end) fn(begin, end);
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] { return m_pending == 0; });
    m_job = nullptr;
}

void ThreadPool::workerLoop(unsigned index) {
    uint64_t seen = 0;
    for (;;) {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
        if (m_stop) return;
        seen = m_generation;
        const auto* job = m_job;
        const auto [begin, end] = rangeOf(m_count, index, size());
        lock.unlock();
        if (begin < end) (*job)(begin, end);
        lock.lock();
        if (--m_pending == 0) m_done.notify_one();
    }
}

}  // namespace confidant::inference::reference
