// libFuzzer target: any bytes as a NOTIFY request, read as the listener reads one after its TSIG check, and acknowledged.
#include <cstddef>
#include <cstdint>

#include "dns/ldns_handles.h"
#include "dns/notify_message.h"

namespace {
const dyndns::dns::TsigKey kKey{"dyndns-gateway", dyndns::dns::TsigAlgorithm::HmacSha256,
                                "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80="};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ldns_pkt* raw = nullptr;
    if (ldns_wire2pkt(&raw, data, size) != LDNS_STATUS_OK || !raw) return 0;
    dyndns::dns::PktPtr pkt(raw);
    if (const auto notify = dyndns::dns::notify_of(pkt.get())) {
        try {
            (void)dyndns::dns::acknowledgement(pkt.get(), kKey);
        } catch (const std::exception&) {
            // A name ldns cannot encode again is refused with an exception: an answer, not a crash.
        }
    }
    return 0;
}
