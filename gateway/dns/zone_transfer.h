// What a zone transfer (AXFR RFC 5936, IXFR RFC 1995) brings: the zone's records or the differences since a serial.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "dns/dns_outcome.h"
#include "dns/zone_update.h"

namespace dyndns::dns {

struct ZoneRecord {
    std::string name; // lower case, no trailing dot
    RRType type = RRType::A;
    std::uint32_t ttl = 0;
    std::string rdata; // presentation format, as ldns prints it
};

// The changes from one serial to the next, in the order the primary made them.
struct ZoneDiff {
    std::vector<ZoneRecord> removed;
    std::vector<ZoneRecord> added;
};

struct TransferResult {
    DnsOutcome outcome;
    enum class Kind {
        UpToDate, // an IXFR answered with the zone's SOA alone: nothing newer than the serial asked from
        Full, // `records` is the whole zone (an AXFR, or an IXFR the primary answered in full)
        Incremental, // `diffs` lead from the serial asked from to `serial`
    } kind = Kind::Full;
    std::uint32_t serial = 0; // the zone's serial now
    std::vector<ZoneRecord> records;
    std::vector<ZoneDiff> diffs;
    bool too_large = false; // failed: the zone has more records than the transfer may read
};

// Thrown by TransferReader when a transfer exceeds its record limit.
struct TransferTooLarge : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// RFC 1982 serial number arithmetic: whether `a` is newer than `b`.
bool serial_newer(std::uint32_t a, std::uint32_t b);

// Reads the records of a transfer in the order they arrive and tells when the stream is complete.
// Only the types in `kept` are kept; SOA records mark the structure. Throws std::runtime_error
// on a sequence that is neither a full nor an incremental transfer.
class TransferReader {
public:
    struct Item {
        std::string name;
        std::uint16_t type = 0; // IANA code; 6 is SOA
        std::uint32_t ttl = 0;
        std::string rdata;
        std::uint32_t soa_serial = 0; // for an SOA
    };

    // `since`: the serial an IXFR asked from; nullopt for an AXFR.
    TransferReader(std::optional<std::uint32_t> since, std::vector<RRType> kept, std::size_t max_records);

    // Returns true when `item` completed the transfer.
    bool add(const Item& item);
    bool complete() const { return state_ == State::Done; }
    TransferResult take();

private:
    enum class State { Start, First, Full, Deleting, Adding, Done };
    bool kept(std::uint16_t type) const;
    ZoneRecord record(const Item& item) const;
    void count();

    std::optional<std::uint32_t> since_;
    std::vector<RRType> kept_;
    std::size_t max_records_;
    std::size_t items_ = 0;
    State state_ = State::Start;
    std::uint32_t diff_new_serial_ = 0;
    TransferResult result_;
};

} // namespace dyndns::dns
