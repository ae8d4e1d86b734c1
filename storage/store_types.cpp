// Names of roles and finish reasons, UUIDs and times.
#include "store_types.h"

#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace confidant::storage {

std::string newUuid() {
    // Reseeded in a forked child, which would otherwise repeat its parent's sequence.
    thread_local pid_t seededFor = 0;
    thread_local std::mt19937_64 generator;
    if (seededFor != ::getpid()) {
        std::random_device device;
        std::seed_seq seed{device(), device(), device(), device(), device(), device()};
        generator.seed(seed);
        seededFor = ::getpid();
    }
    uint64_t high = generator(), low = generator();
    high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
    low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;    // RFC 4122 variant
    char text[37];
    std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", unsigned(high >> 32), unsigned((high >> 16) & 0xffff),
                  unsigned(high & 0xffff), unsigned(low >> 48), (unsigned long long)(low & 0xffffffffffffULL));
    return text;
}

int64_t nowMs() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string formatIsoTime(int64_t ms) {
    // Floor division written so that no value of ms overflows.
    int64_t seconds = ms / 1000;
    int millis = int(ms % 1000);
    if (millis < 0) {
        millis += 1000;
        seconds -= 1;
    }
    std::time_t t = std::time_t(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return text;
}

std::optional<int64_t> parseIsoTime(std::string_view text) {
    // Exactly the form formatIsoTime writes, optionally without the milliseconds.
    int year, month, day, hour, minute, second, millis = 0, consumed = 0;
    std::string copy(text);
    if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second, &consumed) != 6)
        return std::nullopt;
    std::string_view rest = text.substr(size_t(consumed));
    if (!rest.empty() && rest.front() == '.') {
        if (rest.size() < 5 || rest[4] != 'Z') return std::nullopt;
        for (int i = 1; i <= 3; ++i) {
            if (rest[size_t(i)] < '0' || rest[size_t(i)] > '9') return std::nullopt;
            millis = millis * 10 + (rest[size_t(i)] - '0');
        }
        rest.remove_prefix(4);
    }
    if (rest != "Z") return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return int64_t(timegm(&tm)) * 1000 + millis;
}

}  // namespace confidant::storage
