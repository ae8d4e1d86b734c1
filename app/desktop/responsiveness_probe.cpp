// ResponsivenessProbe: a precise 1 ms timer and the largest gap between its ticks.
#include "responsiveness_probe.h"

#include <algorithm>

namespace confidant::app {

ResponsivenessProbe::ResponsivenessProbe(QObject* parent) : QObject(parent) {
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(1);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        m_longestGapMs = std::max(m_longestGapMs, double(now - m_lastNs) / 1e6);
        m_lastNs = now;
        ++m_ticks;
    });
}

void ResponsivenessProbe::start() {
    m_longestGapMs = 0.0;
    m_ticks = 0;
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void ResponsivenessProbe::stop() { m_timer.stop(); }

}  // namespace confidant::app
