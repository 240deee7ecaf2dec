// stderr unbuffered through write(2): a line is whole or absent even when the process dies right after.
#include "log/log.h"

#include <unistd.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <string>

#include "vocabulary/printable.h"

namespace dyndns::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::Info)};

std::mutex g_problems_mutex;
std::deque<Problem> g_problems; // newest first

void remember(Level level, const std::string& message) {
    std::lock_guard lock(g_problems_mutex);
    g_problems.push_front({std::chrono::system_clock::now(), level, message});
    if (g_problems.size() > kRecentProblems) g_problems.pop_back();
}

} // namespace

std::vector<Problem> recent_problems() {
    std::lock_guard lock(g_problems_mutex);
    return {g_problems.begin(), g_problems.end()};
}

void set_level(Level level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

bool enabled(Level level) { return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view message) {
    if (level <= Level::Warning) remember(level, core::printable(message));
    if (!enabled(level)) return;
    std::string line = "<" + std::to_string(static_cast<int>(level)) + ">dyndns-gateway: ";
    // Messages quote what callers sent (names, headers): one event stays one line, and a terminal
    // reading the journal sees escapes, not control sequences.
    line.append(core::printable(message));
    line += '\n';
    std::size_t written = 0;
    while (written < line.size()) {
        const ssize_t n = ::write(STDERR_FILENO, line.data() + written, line.size() - written);
        if (n <= 0) return; // stderr gone: nothing else to tell
        written += static_cast<std::size_t>(n);
    }
}

} // namespace dyndns::log
