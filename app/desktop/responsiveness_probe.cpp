// ResponsivenessProbe: a precise 1 ms timer, the largest gap between its ticks and the UI
// thread's CPU time within the gaps.
#include "responsiveness_probe.h"

#include <algorithm>
#include <ctime>

namespace confidant::app {

namespace {

// CPU time of the calling thread, -1 where there is no per-thread clock.
qint64 threadCpuNs() {
#if defined(CLOCK_THREAD_CPUTIME_ID)
    timespec ts{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0) return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
#endif
    return -1;
}

}  // namespace

ResponsivenessProbe::ResponsivenessProbe(QObject* parent) : QObject(parent) {
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(1);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        const double gapMs = double(now - m_lastNs) / 1e6;
        m_longestGapMs = std::max(m_longestGapMs, gapMs);
        if (gapMs > 16.0) ++m_gapsOver16Ms;
        m_lastNs = now;
        const qint64 cpu = threadCpuNs();
        if (cpu >= 0 && m_lastCpuNs >= 0) m_longestBusyMs = std::max(m_longestBusyMs, double(cpu - m_lastCpuNs) / 1e6);
        else m_longestBusyMs = -1;
        m_lastCpuNs = cpu;
        ++m_ticks;
    });
}

void ResponsivenessProbe::start() {
    m_longestGapMs = 0.0;
    m_longestBusyMs = 0.0;
    m_gapsOver16Ms = 0;
    m_ticks = 0;
    m_clock.start();
    m_lastNs = 0;
    m_lastCpuNs = threadCpuNs();
    m_timer.start();
}

void ResponsivenessProbe::stop() { m_timer.stop(); }

}  // namespace confidant::app
