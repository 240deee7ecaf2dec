// Times shown to people, in UTC, by Poco's formatter: one place for both the CLI's and the panel's forms.
#pragma once

#include <chrono>
#include <string>

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace dyndns::core {

enum class TimeStyle {
    Iso8601, // 2026-05-04T12:30:00Z: for scripts reading dyndnsctl's output
    Readable, // 2026-05-04 12:30:00 UTC: for the control panel
};

inline std::string utc(std::chrono::system_clock::time_point time, TimeStyle style) {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros),
                                           style == TimeStyle::Iso8601 ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S UTC");
}

} // namespace dyndns::core
