// A fixed set of worker threads for data-parallel loops (matrix rows, attention heads).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace confidant::inference::reference {

class ThreadPool {
public:
    explicit ThreadPool(unsigned threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    unsigned size() const { return unsigned(m_workers.size()) + 1; }

    // Calls fn(begin, end) on disjoint ranges covering [0, count), on all threads including the
    // caller's, and returns when every range is done.
    void parallelFor(size_t count, const std::function<void(size_t, size_t)>& fn);

private:
    void workerLoop(unsigned index);

    std::vector<std::thread> m_workers;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    const std::function<void(size_t, size_t)>* m_job = nullptr;
    size_t m_count = 0;
    uint64_t m_generation = 0;
    unsigned m_pending = 0;
    bool m_stop = false;
};

}  // namespace confidant::inference::reference
