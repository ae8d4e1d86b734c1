// Measures how long the UI thread's event loop goes without running a 1 ms timer: the longest
// stall while something happens (a reply streaming, a model loading). A measurement, not a test.
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
    int ticks() const { return m_ticks; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    double m_longestGapMs = 0.0;
    int m_ticks = 0;
};

}  // namespace confidant::app
