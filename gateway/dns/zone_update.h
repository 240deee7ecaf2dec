// What an RFC 2136 UPDATE carries: changes to RRsets of one zone, possibly many in one message (no ldns here: see zone_packets.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace dyndns::dns {

// The record types the gateway names; values are the IANA type codes.
enum class RRType : std::uint16_t { A = 1, NS = 2, CNAME = 5, SOA = 6, MX = 15, TXT = 16, AAAA = 28 };
std::string rr_type_name(RRType type);

// One change to one RRset. Replace makes the RRset at `name` exactly `rdata` with `ttl`
// (RFC 2136 2.5.2 "delete an RRset" then 2.5.1 "add to an RRset"); Delete removes it.
struct RRsetChange {
    enum class Op { Replace, Delete };
    Op op = Op::Replace;
    std::string name; // absolute, with or without the trailing dot
    RRType type = RRType::A;
    std::uint32_t ttl = 60;
    std::vector<std::string> rdata; // presentation format, e.g. "192.0.2.1", "10 mail.example.test."

    static RRsetChange replace(std::string name, RRType type, std::uint32_t ttl, std::vector<std::string> rdata) {
        return {Op::Replace, std::move(name), type, ttl, std::move(rdata)};
    }
    static RRsetChange remove(std::string name, RRType type) { return {Op::Delete, std::move(name), type, 0, {}}; }
};

// Every change travels in one message and BIND applies them atomically (RFC 2136 3.4.2):
// all or none. Batching several names in one message is what lets a busy gateway pass the
// primary's per-message rate.
struct ZoneUpdate {
    std::string zone;
    std::vector<RRsetChange> changes;
};

} // namespace dyndns::dns
