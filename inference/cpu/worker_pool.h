// The fast CPU backend's threads: a persistent pool that runs one task on every thread at once
// (the caller is thread 0), and the progress counter the threads synchronise on inside a task.
//
// Hand-off is a brief spin, then a futex sleep: a step of a graph takes microseconds, so a waiting
// thread usually sees the next step start while it spins; an idle pool costs no CPU. A task is a
// plain function pointer and a context (no std::function, no allocation per run).
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace confidant::inference::cpu {

// A monotonically increasing counter that threads wait on: "wait until at least N". Advancing it
// wakes sleepers only when there are any (no system call on the fast path).
class Progress {
public:
    uint32_t value() const { return m_value.load(std::memory_order_acquire); }
    void reset() { m_value.store(0, std::memory_order_relaxed); }
    // Adds `amount` and wakes the threads sleeping on the counter.
    void add(uint32_t amount);
    // Returns once value() >= target: spins briefly, then sleeps on the futex.
    void waitAtLeast(uint32_t target);

private:
    std::atomic<uint32_t> m_value{0};
    std::atomic<uint32_t> m_sleepers{0};
};

class WorkerPool {
public:
    using Task = void (*)(void* context, unsigned thread);

    explicit WorkerPool(unsigned threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    unsigned size() const { return unsigned(m_workers.size()) + 1; }

    // Calls task(context, t) for every t in [0, size()), t = 0 on the calling thread, and returns
    // when every call has returned. Work inside the task should be claimed in chunks from shared
    // counters, so that a thread that loses its core simply takes fewer chunks.
    void run(Task task, void* context);

private:
    void workerLoop(unsigned index);

    std::vector<std::thread> m_workers;
    Task m_task = nullptr;
    void* m_context = nullptr;
    Progress m_started;   // runs started (workers wait for the next one)
    Progress m_finished;  // worker calls finished, over all runs
    uint32_t m_runs = 0;
    std::atomic<bool> m_stop{false};
};

// The cores to use by default: physical cores (not SMT siblings) of the CPUs this process may run
// on, read from the kernel's topology; at least 1.
unsigned physicalCoreCount();

}  // namespace confidant::inference::cpu
