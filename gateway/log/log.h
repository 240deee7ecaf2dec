// One line per event on stderr with a syslog priority prefix ("<3>" … "<7>"), which journald reads as the priority.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace dyndns::log {

enum class Level { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 }; // syslog priorities

// Lines above `level` are dropped. Default Info. Safe to call while other threads log.
void set_level(Level level);
bool enabled(Level level);

// Writes "<N>dyndns-gateway: message" and a line end in one write(2), so lines of several
// threads never interleave. Never pass a password, token or TSIG secret.
void write(Level level, std::string_view message);

// The newest warnings and errors (at most kRecentProblems, newest first), as written: what an
// operator's status page shows. Kept whatever the level.
constexpr std::size_t kRecentProblems = 20;
struct Problem {
    std::chrono::system_clock::time_point time;
    Level level;
    std::string message; // printable, as in the line
};
std::vector<Problem> recent_problems();

inline void error(std::string_view message) { write(Level::Error, message); }
inline void warning(std::string_view message) { write(Level::Warning, message); }
inline void notice(std::string_view message) { write(Level::Notice, message); }
inline void info(std::string_view message) { write(Level::Info, message); }
inline void debug(std::string_view message) { write(Level::Debug, message); }

} // namespace dyndns::log
