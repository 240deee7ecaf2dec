// The state machine that reads a transfer's records: one SOA, then the zone and the SOA again, or SOA-delimited differences.
#include "dns/zone_transfer.h"

#include <algorithm>
#include <stdexcept>

namespace dyndns::dns {
namespace {

constexpr std::uint16_t kSoa = 6;

} // namespace

bool serial_newer(std::uint32_t a, std::uint32_t b) { return a != b && static_cast<std::uint32_t>(a - b) < 0x80000000U; }

TransferReader::TransferReader(std::optional<std::uint32_t> since, std::vector<RRType> kept, std::size_t max_records)
    : since_(since), kept_(std::move(kept)), max_records_(max_records) {
    result_.outcome = DnsOutcome::success();
}

bool TransferReader::kept(std::uint16_t type) const {
    return std::any_of(kept_.begin(), kept_.end(), [&](RRType k) { return static_cast<std::uint16_t>(k) == type; });
}

ZoneRecord TransferReader::record(const Item& item) const {
    return {item.name, static_cast<RRType>(item.type), item.ttl, item.rdata};
}

// Every record counts, kept or not: the bound is on what the primary makes the gateway read.
void TransferReader::count() {
    if (++items_ > max_records_)
        throw TransferTooLarge("the transfer has more than " + std::to_string(max_records_) + " records");
}

bool TransferReader::add(const Item& item) {
    count();
    const bool soa = item.type == kSoa;
    switch (state_) {
    case State::Start:
        if (!soa) throw std::runtime_error("the transfer does not begin with the zone's SOA");
        result_.serial = item.soa_serial;
        // RFC 1995 4: a serial not newer than the one asked from is the whole answer, however
        // the primary split its messages (BIND's xfrin reads it so too).
        if (since_ && !serial_newer(item.soa_serial, *since_)) {
            result_.kind = TransferResult::Kind::UpToDate;
            state_ = State::Done;
            return true;
        }
        state_ = State::First;
        return false;
    case State::First:
        if (soa) {
            // SOA, SOA of the same serial: a zone of nothing but its SOA, sent in full. Otherwise
            // the second SOA is the old serial of the first difference.
            if (!since_ || item.soa_serial == result_.serial) {
                result_.kind = TransferResult::Kind::Full;
                state_ = State::Done;
                return true;
            }
            // Differences must chain from the serial asked from to the closing one: patched
            // onto another base, they would leave right-looking records that are wrong.
            if (item.soa_serial != *since_) throw std::runtime_error("the IXFR does not start from the serial asked from");
            result_.kind = TransferResult::Kind::Incremental;
            result_.diffs.emplace_back();
            state_ = State::Deleting;
            return false;
        }
        result_.kind = TransferResult::Kind::Full;
        state_ = State::Full;
        [[fallthrough]];
    case State::Full:
        if (soa) {
            if (item.soa_serial != result_.serial)
                throw std::runtime_error("the transfer ends with another serial than it began");
            state_ = State::Done;
            return true;
        }
        if (kept(item.type)) result_.records.push_back(record(item));
        return false;
    case State::Deleting:
        if (soa) {
            diff_new_serial_ = item.soa_serial;
            state_ = State::Adding;
        } else if (kept(item.type)) {
            result_.diffs.back().removed.push_back(record(item));
        }
        return false;
    case State::Adding:
        if (soa) {
            if (item.soa_serial == result_.serial && diff_new_serial_ == result_.serial) {
                state_ = State::Done;
                return true;
            }
            if (item.soa_serial != diff_new_serial_) throw std::runtime_error("the IXFR's differences do not chain");
            result_.diffs.emplace_back(); // this SOA opens the next difference (its old serial)
            state_ = State::Deleting;
        } else if (kept(item.type)) {
            result_.diffs.back().added.push_back(record(item));
        }
        return false;
    case State::Done: throw std::runtime_error("records after the end of the transfer");
    }
    return false;
}

TransferResult TransferReader::take() {
    if (state_ != State::Done) throw std::runtime_error("the transfer ended before its closing SOA");
    return std::move(result_);
}

} // namespace dyndns::dns
