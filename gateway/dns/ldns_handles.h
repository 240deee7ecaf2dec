// Owning handles for ldns objects, so every exit path frees what ldns allocated.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "dns/ldns_include.h"
#include "vocabulary/free_deleter.h"

namespace dyndns::dns {

using PktPtr = std::unique_ptr<ldns_pkt, Free<&ldns_pkt_free>>;
using RrPtr = std::unique_ptr<ldns_rr, Free<&ldns_rr_free>>;
using RrListPtr = std::unique_ptr<ldns_rr_list, Free<&ldns_rr_list_deep_free>>;
using RdfPtr = std::unique_ptr<ldns_rdf, Free<&ldns_rdf_deep_free>>;
using BufferPtr = std::unique_ptr<ldns_buffer, Free<&ldns_buffer_free>>;

// ldns hands out wire buffers and strings allocated with malloc.
struct MallocFree {
    void operator()(void* p) const noexcept { std::free(p); }
};
using WirePtr = std::unique_ptr<uint8_t, MallocFree>;
using CStringPtr = std::unique_ptr<char, MallocFree>;

// The packet as it goes on the wire (including its TSIG record, if signed).
inline std::vector<std::uint8_t> packet_wire(const ldns_pkt* pkt) {
    std::uint8_t* raw = nullptr;
    std::size_t size = 0;
    const ldns_status status = ldns_pkt2wire(&raw, pkt, &size);
    WirePtr owned(raw);
    if (status != LDNS_STATUS_OK)
        throw std::runtime_error(std::string("cannot encode the DNS message: ") + ldns_get_errorstr_by_id(status));
    return {raw, raw + size};
}

} // namespace dyndns::dns
