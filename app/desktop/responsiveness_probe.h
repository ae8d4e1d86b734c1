// Measures how long the UI thread's event loop goes without running a 1 ms timer: the longest
// stall while something happens (a reply streaming, a model loading). A measurement, not a test.
// Besides the wall-clock gap it records the UI thread's own CPU time in the longest-working gap:
// on a loaded machine a long gap with little CPU time is the scheduler's, not the app's work.
#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace confidant::app {

class ResponsivenessProbe : public QObject {
    Q_OBJECT
public:
    explicit ResponsivenessProbe(QObject* parent = nullptr);
    void start();
    void stop();
    double longestStallMs() const { return m_longestGapMs; }  // the longest gap between ticks
    // The most CPU time the UI thread spent between two ticks (-1 where the platform cannot say).
    double longestBusyMs() const { return m_longestBusyMs; }
    int gapsOver16Ms() const { return m_gapsOver16Ms; }
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_lastCpuNs = 0;
    double m_longestGapMs = 0.0;
    double m_longestBusyMs = 0.0;
    int m_gapsOver16Ms = 0;
    int m_ticks = 0;
};

}  // namespace confidant::app
