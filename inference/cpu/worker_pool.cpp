#include "cpu/worker_pool.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <set>
#include <string>
#include <utility>

namespace confidant::inference::cpu {
namespace {

// About 20-50 microseconds of polling before sleeping: longer than the gap between two steps of a
// graph on a busy pool, much shorter than a scheduler time slice (so a thread whose core is shared
// with another process gives the core back soon).
constexpr int k_spinIterations = 1500;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

// value has reached target, counting modulo 2^32 (the counters wrap after days of runs).
inline bool reached(uint32_t value, uint32_t target) { return int32_t(value - target) >= 0; }

void futexWait(std::atomic<uint32_t>& word, uint32_t expected) {
    ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0);
}

void futexWakeAll(std::atomic<uint32_t>& word) {
    ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) && std::atomic<uint32_t>::is_always_lock_free,
              "the futex needs a plain 32-bit word");

}  // namespace

void Progress::add(uint32_t amount) {
    m_value.fetch_add(amount, std::memory_order_seq_cst);
    if (m_sleepers.load(std::memory_order_seq_cst) != 0) futexWakeAll(m_value);
}

void Progress::waitAtLeast(uint32_t target) {
    for (int i = 0; i < k_spinIterations; ++i) {
        if (reached(m_value.load(std::memory_order_acquire), target)) return;
        cpuRelax();
    }
    for (;;) {
        m_sleepers.fetch_add(1, std::memory_order_seq_cst);
        const uint32_t seen = m_value.load(std::memory_order_seq_cst);
        if (reached(seen, target)) {
            m_sleepers.fetch_sub(1, std::memory_order_relaxed);
            return;
        }
        futexWait(m_value, seen);  // returns at once when the value moved on in between
        m_sleepers.fetch_sub(1, std::memory_order_relaxed);
        if (reached(m_value.load(std::memory_order_acquire), target)) return;
    }
}

WorkerPool::WorkerPool(unsigned threads) {
    const unsigned workers = threads > 1 ? threads - 1 : 0;
    m_workers.reserve(workers);
    for (unsigned i = 0; i < workers; ++i) m_workers.emplace_back([this, i] { workerLoop(i); });
}

WorkerPool::~WorkerPool() {
    m_stop.store(true, std::memory_order_release);
    m_started.add(1);
    for (auto& worker : m_workers) worker.join();
}

void WorkerPool::run(Task task, void* context) {
    if (m_workers.empty()) {
        task(context, 0);
        return;
    }
    m_task = task;
    m_context = context;
    ++m_runs;
    m_started.add(1);  // publishes m_task and m_context (seq_cst add, acquire in the workers)
    task(context, 0);
    // The workers are not waited for step by step, only here: every call must have returned
    // before the caller may change what the context points to.
    m_finished.waitAtLeast(m_runs * uint32_t(m_workers.size()));
}

void WorkerPool::workerLoop(unsigned index) {
    for (uint32_t seen = 0;;) {
        m_started.waitAtLeast(++seen);
        if (m_stop.load(std::memory_order_acquire)) return;
        m_task(m_context, index + 1);
        m_finished.add(1);
    }
}

unsigned physicalCoreCount() {
    cpu_set_t allowed;
    CPU_ZERO(&allowed);
    if (::sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
        const unsigned n = std::thread::hardware_concurrency();
        return n ? n : 1;
    }
    std::set<std::pair<int, int>> cores;  // (package, core)
    unsigned logical = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
        if (!CPU_ISSET(cpu, &allowed)) continue;
        ++logical;
        const std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
        int package = -1, core = -1;
        std::ifstream(base + "physical_package_id") >> package;
        std::ifstream(base + "core_id") >> core;
        if (core < 0) return logical ? unsigned(CPU_COUNT(&allowed)) : 1;  // no topology: count CPUs
        cores.emplace(package, core);
    }
    return cores.empty() ? 1 : unsigned(cores.size());
}

}  // namespace confidant::inference::cpu
