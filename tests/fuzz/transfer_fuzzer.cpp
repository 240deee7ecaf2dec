// libFuzzer target: any bytes as the messages of a zone transfer, signed by a primary that has the key, read by the client.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "dns/rfc2136_client.h"
#include "support/signed_stream.h"

using namespace std::chrono_literals;

namespace {
const dyndns::dns::TsigKey kKey{"dyndns-gateway", dyndns::dns::TsigAlgorithm::HmacSha256,
                                "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="};
} // namespace

// Input: one byte (its low bit: an IXFR from serial 5, else an AXFR), then messages each framed
// as on TCP (RFC 1035 4.2.2: a two-byte length, then the message).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const bool ixfr = (data[0] & 1) != 0;
    std::vector<std::vector<std::uint8_t>> messages;
    for (std::size_t at = 1; at + 2 <= size;) {
        const std::size_t length = (std::size_t{data[at]} << 8) | data[at + 1];
        at += 2;
        if (at + length > size) break;
        messages.emplace_back(data + at, data + at + length);
        at += length;
    }
    auto primary = std::make_shared<dyndns::test::SignedStream>(kKey, std::move(messages));
    const dyndns::dns::Rfc2136Client client(dyndns::dns::ClientSettings{kKey, 100ms, 1}, primary);
    const std::vector<dyndns::dns::RRType> kept{dyndns::dns::RRType::A, dyndns::dns::RRType::AAAA, dyndns::dns::RRType::TXT};
    (void)client.transfer("example.test", ixfr ? std::optional<std::uint32_t>(5) : std::nullopt, kept, 1000);
    return 0;
}
