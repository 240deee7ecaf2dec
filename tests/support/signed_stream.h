// A hostile primary in memory: whatever messages a test (or a fuzzer) gives it come back to a transfer request as a TSIG-signed stream.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "dns/dns_transport.h"
#include "dns/tsig_key.h"

namespace dyndns::test {

// Each message is made to answer the request (its id, QR, and on the first its question) and
// signed with the key, chained as a primary chains a transfer (RFC 8945 5.3.1), so the client
// under test gets past TSIG to what the message holds. Bytes ldns cannot parse are passed on
// raw. Plain exchanges are not served.
class SignedStream final : public dns::DnsTransport {
public:
    SignedStream(dns::TsigKey key, std::vector<std::vector<std::uint8_t>> messages)
        : key_(std::move(key)), messages_(std::move(messages)) {}

    dns::ExchangeResult exchange(std::span<const std::uint8_t>, std::chrono::milliseconds) override {
        return {dns::ExchangeResult::Status::NotSent, {}, "a signed stream serves transfers only"};
    }
    std::string describe() const override { return "a signed test stream"; }
    dns::ExchangeResult stream(std::span<const std::uint8_t> query, std::chrono::milliseconds timeout,
                               const OnMessage& on_message) override;

private:
    dns::TsigKey key_;
    std::vector<std::vector<std::uint8_t>> messages_;
};

// `records` (presentation format, one per string; "" for an SOA with no RDATA at `zone`) as one
// unsigned answer message's wire form, for SignedStream.
std::vector<std::uint8_t> answer_message(const std::string& zone, const std::vector<std::string>& records);

} // namespace dyndns::test
