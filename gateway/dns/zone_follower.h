// Follows the dyndns zones as a secondary would: AXFR first, then IXFR on each NOTIFY and every refresh interval, into a ZoneMirror.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "dns/notify_listener.h"
#include "dns/primaries.h"
#include "dns/zone_mirror.h"

namespace dyndns::dns {

struct FollowSettings {
    std::string notify_listen; // where the primary's NOTIFYs arrive, "127.0.0.1:5300"
    std::chrono::seconds refresh{300}; // each zone's serial is checked this often even without NOTIFY
    std::size_t max_zone_records = 1'000'000; // a bigger zone is not followed (its names are read per call)
    unsigned transfer_threads = 2; // transfers at once, all zones together
    // A zone transferred less than this long ago waits out the rest before its next transfer, so
    // a busy zone (an UPDATE every few milliseconds, each one NOTIFYing) costs the primary a few
    // IXFRs a second, not one per UPDATE; a quiet zone is transferred at once.
    std::chrono::milliseconds min_transfer_interval{100};
};

// How fresh the answers are: an outside change to a zone reaches the mirror as soon as the
// primary's NOTIFY (notify-delay 0) and the IXFR it starts complete, milliseconds on a LAN. A
// NOTIFY that is lost is resent by BIND; one never delivered is caught by the next refresh.
// A zone whose transfer fails is out of step, and calls for its names read from the primary.
class ZoneFollower {
public:
    ZoneFollower(Primaries primaries, FollowSettings settings);
    ~ZoneFollower();
    ZoneFollower(const ZoneFollower&) = delete;
    ZoneFollower& operator=(const ZoneFollower&) = delete;

    void start();
    void stop();

    // Begins following `zone` (an AXFR in the background) unless it is followed already; cheap.
    void follow(const std::string& zone);

    // The RRset at `name` of the in-step `zone`; nullopt when the zone is not in step.
    std::optional<RRset> find(const std::string& zone, const std::string& name, RRType type) const {
        return mirror_.find(zone, name, type);
    }
    // Outcomes of the gateway's own UPDATEs to a followed zone. A confirmation is laid over the
    // mirror at once and a transfer asked for, so that it never outlives the next transfer by
    // more than min_transfer_interval: a caller's thread may confirm after a later change (its
    // own batch's "latest wins", another gateway's) was already transferred.
    void confirmed(const std::string& zone, const RRsetChange& change);
    void unsure(const std::string& zone);

    std::size_t zones() const { return mirror_.size(); }
    std::size_t zones_in_step() const { return mirror_.zones_in_step(); }
    std::uint16_t notify_port() const { return notify_.port(); }

    // The types the mirror keeps: what the gateway writes.
    static const std::vector<RRType>& kept_types();

private:
    struct Schedule {
        bool queued = false;
        bool in_flight = false;
        bool again = false; // asked for while in flight: once more when it ends
        bool delayed = false; // waiting in delayed_ for min_transfer_interval to pass
        bool given_up = false; // too large to follow: its names are read per call until a restart
        std::chrono::steady_clock::time_point last_start{};
        unsigned failures = 0;
        std::chrono::steady_clock::time_point next_check{};
    };

    void notified(const std::string& zone, std::optional<std::uint32_t> serial);
    void enqueue_locked(const std::string& zone, Schedule& schedule);
    void transfer_loop();
    void refresh_loop();
    // Returns true when another transfer must follow at once.
    bool refresh(const std::string& zone);

    Primaries primaries_;
    FollowSettings settings_;
    ZoneMirror mirror_;
    NotifyListener notify_;

    std::mutex mutex_;
    std::condition_variable work_;
    std::condition_variable stopped_;
    bool stopping_ = false;
    std::deque<std::string> queue_;
    // Zones asked for too soon after their last transfer, by when they are due.
    std::multimap<std::chrono::steady_clock::time_point, std::string> delayed_;
    std::unordered_map<std::string, Schedule> schedules_;
    std::vector<std::thread> threads_;
};

} // namespace dyndns::dns
