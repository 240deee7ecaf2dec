// One webhook delivery attempt: resolve and check the target, connect to a checked address, verify its certificate, POST, read a bounded answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <Poco/Net/Context.h>

#include "core/ports/webhook_port.h"

namespace dyndns::webhooks {

struct SenderSettings {
    bool allow_private_addresses = false;
    std::string ca_file; // extra trust anchors; "" the system's alone
    std::chrono::milliseconds timeout{10000}; // the whole attempt
    std::size_t max_answer_bytes = 64 * 1024;
    std::string user_agent = "dyndns-gateway";
};

struct AttemptResult {
    bool delivered = false; // a 2xx answer
    int status_code = 0; // 0: no answer
    std::string error; // why not delivered; never the secret
};

// The client TLS context every attempt shares: certificates verified (chain and name), TLS 1.2 at least.
Poco::Net::Context::Ptr client_context(const SenderSettings& settings);

// Sends `claimed` once, signed for `now_seconds`. Redirects are not followed (a 3xx fails); an
// answer body is read up to max_answer_bytes and thrown away. Never throws.
AttemptResult send_delivery(const core::ClaimedDelivery& claimed, const SenderSettings& settings, Poco::Net::Context::Ptr context,
                            std::int64_t now_seconds);

} // namespace dyndns::webhooks
