// The A, AAAA and TXT records of the zones the gateway follows, as the primary published them, plus its own confirmed changes.
#pragma once

#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/rfc2136_client.h"
#include "dns/zone_transfer.h"
#include "dns/zone_update.h"

namespace dyndns::dns {

// A zone's records come from transfers (the primary's state at one serial). An UPDATE the primary
// confirmed is laid over them at once, so the caller's next call already sees it; the overlay is
// dropped by the first transfer that began after the change was confirmed, which holds it or
// something newer. A zone is "in step" once a transfer completed and no UPDATE since has an
// unknown outcome; only then are its records answered.
class ZoneMirror {
public:
    // The RRset at `name` (empty when there is none), when `zone` is in step; nullopt otherwise.
    std::optional<RRset> find(const std::string& zone, const std::string& name, RRType type) const;

    // Whether the zone is known at all (in step or being brought into step).
    bool knows(const std::string& zone) const;
    // Adds `zone`, not yet in step. Returns false when it was there already.
    bool add(const std::string& zone);
    // The serial of an in-step zone, to ask an IXFR from.
    std::optional<std::uint32_t> serial(const std::string& zone) const;

    // A transfer is about to begin: the mark it carries back to apply().
    std::uint64_t begin_transfer(const std::string& zone) const;
    // Stores a completed transfer begun at `mark`. Returns true when UPDATEs were confirmed while
    // it ran: another transfer must follow to know they were not overtaken by someone else's.
    bool apply(const std::string& zone, std::uint64_t mark, const TransferResult& transfer);

    // The primary confirmed `change`.
    void confirmed(const std::string& zone, const RRsetChange& change);
    // An UPDATE may or may not have been applied: out of step until a transfer begun after now.
    void unsure(const std::string& zone);
    // A transfer failed: out of step (its records are kept for an IXFR later).
    void out_of_step(const std::string& zone);

    std::size_t size() const; // zones known, in step or not
    std::size_t zones_in_step() const;

private:
    struct Zone {
        std::uint32_t serial = 0;
        bool transferred = false; // some transfer completed
        std::uint64_t epoch = 0; // counts confirmations and doubts, for marks
        std::uint64_t doubted_at = 0; // epoch of the last unsure(); in step needs a transfer begun after it
        bool failed = false; // the last transfer failed
        std::unordered_map<std::string, RRset> records; // by key(name, type)
        struct Confirmed {
            RRset rrset;
            std::uint64_t epoch;
        };
        std::unordered_map<std::string, Confirmed> overlay;
        bool in_step() const { return transferred && !failed && doubted_at == 0; }
    };
    static std::string key(const std::string& name, RRType type);
    static void remove(Zone& zone, const ZoneRecord& record);
    static void insert(Zone& zone, const ZoneRecord& record);

    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, Zone> zones_;
};

} // namespace dyndns::dns
