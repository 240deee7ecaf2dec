// Asks the kernel for a loopback port that is free for both TCP and UDP, for servers that cannot bind port 0 themselves.
#pragma once

#include <cstdint>

namespace dyndns::test {

// A port free on 127.0.0.1 for TCP and UDP at the time of the call (named needs both).
std::uint16_t free_loopback_port();

} // namespace dyndns::test
