// stderr unbuffered through write(2): a line is whole or absent even when the process dies right after.
#include "log/log.h"

#include <unistd.h>

#include <atomic>
#include <string>

#include "vocabulary/printable.h"

namespace dyndns::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::Info)};

} // namespace

void set_level(Level level) { g_level.store(static_cast<int>(level), std::memory_order_relaxed); }

bool enabled(Level level) { return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed); }

void write(Level level, std::string_view message) {
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
