// Which setting bounds each phase, and how its expiry is named in the metrics.
#include "http/connection.h"

namespace dyndns::http {

std::chrono::milliseconds timeout_of(Phase phase, const EdgeSettings& settings) {
    switch (phase) {
    case Phase::ProxyHeader:
    case Phase::Handshake: return settings.handshake_timeout;
    case Phase::Idle: return settings.idle_timeout;
    case Phase::Head: return settings.head_timeout;
    case Phase::Body:
    case Phase::Writing: return settings.body_timeout;
    case Phase::Lingering: return std::chrono::duration_cast<std::chrono::milliseconds>(kLingerTime);
    case Phase::Working: return std::chrono::duration_cast<std::chrono::milliseconds>(kWorkingBackstop);
    }
    return std::chrono::milliseconds::max();
}

const char* deadline_name(Phase phase) {
    switch (phase) {
    case Phase::ProxyHeader: return "proxy_header_deadline";
    case Phase::Handshake: return "handshake_deadline";
    case Phase::Idle: return "idle_deadline";
    case Phase::Head: return "head_deadline";
    case Phase::Body: return "body_deadline";
    case Phase::Writing: return "write_deadline";
    case Phase::Lingering: return "linger_deadline";
    case Phase::Working: break;
    }
    return "deadline";
}

} // namespace dyndns::http
