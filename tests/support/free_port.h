// Asks the kernel for a loopback port that is free for TCP and UDP on 127.0.0.1 and ::1, for servers that cannot bind port 0 themselves.
#pragma once

#include <cstdint>

namespace dyndns::test {

// A port free for TCP and UDP on 127.0.0.1 and on ::1 at the time of the call (named binds all
// four), never one this process was given before. scripts/lib/loopback.py follows the same rule.
std::uint16_t free_loopback_port();

} // namespace dyndns::test
