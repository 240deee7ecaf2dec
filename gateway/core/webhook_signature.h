// The signature of a webhook delivery (docs/webhooks.md "Verifying a delivery"): HMAC-SHA-256 over the timestamp and the body.
#pragma once

#include <cstdint>
#include <string>

namespace dyndns::core {

// The header that carries the signature.
inline constexpr const char* kSignatureHeader = "Dyndns-Signature";

// hex(HMAC-SHA-256(secret, "<timestamp>.<body>")), lower-case.
std::string webhook_mac(const std::string& secret, std::int64_t timestamp, const std::string& body);

// The header's value: "t=<timestamp>,v1=<webhook_mac>". `timestamp`: Unix seconds when the attempt is made.
std::string webhook_signature(const std::string& secret, std::int64_t timestamp, const std::string& body);

} // namespace dyndns::core
