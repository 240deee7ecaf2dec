// Fixed-window failure counters checked and counted under one lock, with lazy expiry so memory stays bounded by recent guessers; or read from and counted in a shared store.
#include "core/login_throttle.h"
#include "vocabulary/no_wait.h"

#include <algorithm>
#include <cstdint>

#include "vocabulary/cidr.h"
#include "vocabulary/store_errors.h"

namespace dyndns::core {

namespace {
constexpr unsigned kIpv6SourcePrefix = 64; // RFC 6177: a customer line gets at least a /64
constexpr unsigned kSourcesPer56 = 4; // the /56 and /48 aggregates' limits, in multiples of a source's
constexpr unsigned kSourcesPer48 = 16;
// Shared: a known source's login is written again at most this often, not on every call.
constexpr std::chrono::seconds kKnownSourceRefresh{60};

std::int64_t milliseconds(std::chrono::seconds span) { return std::chrono::milliseconds(span).count(); }
} // namespace

std::string throttle_source(const std::optional<Poco::Net::IPAddress>& caller, const std::string& peer) {
    if (!caller) return peer;
    if (caller->family() != Poco::Net::IPAddress::IPv6) return caller->toString();
    return masked(*caller, kIpv6SourcePrefix).toString() + "/" + std::to_string(kIpv6SourcePrefix);
}

std::optional<WiderSources> wider_sources(const std::string& source) {
    if (!source.ends_with("/64")) return std::nullopt;
    Poco::Net::IPAddress network;
    if (!Poco::Net::IPAddress::tryParse(source.substr(0, source.size() - 3), network) ||
        network.family() != Poco::Net::IPAddress::IPv6)
        return std::nullopt;
    return WiderSources{masked(network, 56).toString() + "/56", masked(network, 48).toString() + "/48"};
}

LoginThrottle::Attempt::Attempt(Attempt&& other) noexcept
    : throttle_(std::exchange(other.throttle_, nullptr)),
      account_(std::move(other.account_)),
      source_(std::move(other.source_)),
      kind_(other.kind_),
      unknown_first_(other.unknown_first_),
      store_success_(other.store_success_) {}

LoginThrottle::Attempt::~Attempt() {
    if (throttle_) throttle_->end(*this, End::Uncounted, Clock::now());
}

void LoginThrottle::Attempt::failed(Clock::time_point now) {
    if (auto* throttle = std::exchange(throttle_, nullptr)) throttle->end(*this, End::Failed, now);
}

void LoginThrottle::Attempt::succeeded(Clock::time_point now) {
    if (auto* throttle = std::exchange(throttle_, nullptr)) throttle->end(*this, End::Succeeded, now);
}

unsigned LoginThrottle::failures(Count& count, Clock::time_point now) const {
    if (count.failures > 0 && now - count.start >= settings_.window) count.failures = 0;
    return count.failures;
}

int LoginThrottle::seconds_left(const Count& count, Clock::time_point now) const {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(count.start + settings_.window - now);
    return static_cast<int>(left.count()) + 1;
}

bool LoginThrottle::known(const std::string& account, const std::string& source, Clock::time_point now) const {
    const auto it = known_sources_.find({account, source});
    return it != known_sources_.end() && now - it->second < settings_.known_source_memory;
}

unsigned LoginThrottle::current_failures(const Count* count, Clock::time_point now) const {
    if (!count || (count->failures > 0 && now - count->start >= settings_.window)) return 0;
    return count->failures;
}

template <class Map, class Key>
const LoginThrottle::Count* LoginThrottle::find(const Map& map, const Key& key) {
    const auto found = map.find(key);
    return found == map.end() ? nullptr : &found->second;
}

LoginThrottle::Counts LoginThrottle::counts_of(const std::string& account, const std::string& source, Kind kind,
                                               bool unknown_first) {
    const auto wider = wider_sources(source);
    return {&by_pair_[Pair{account, source}],
            &by_source_[source],
            wider ? &by_source_[wider->per_56] : nullptr,
            wider ? &by_source_[wider->per_48] : nullptr,
            kind == Kind::Password ? &by_account_[account] : nullptr,
            unknown_first ? &by_account_unknown_[account] : nullptr};
}

void LoginThrottle::forget_expired(Clock::time_point now) {
    if (now - last_sweep_ < settings_.window) return;
    last_sweep_ = now;
    const auto idle = [&](const auto& entry) {
        return entry.second.in_flight == 0 && (entry.second.failures == 0 || now - entry.second.start >= settings_.window);
    };
    std::erase_if(by_pair_, idle);
    std::erase_if(by_source_, idle);
    std::erase_if(by_account_, idle);
    std::erase_if(by_account_unknown_, idle);
    std::erase_if(known_sources_, [&](const auto& entry) { return now - entry.second >= settings_.known_source_memory; });
}

LoginThrottle::Seen LoginThrottle::seen(const Count* local, Clock::time_point now) const {
    return {local, current_failures(local, now), local ? seconds_left(*local, now) : 0};
}

LoginThrottle::Seen LoginThrottle::seen(const Count* local, const std::optional<std::int64_t>& window_start_ms,
                                        std::int64_t failures, std::int64_t now_ms) const {
    const std::int64_t left_ms = window_start_ms ? *window_start_ms + milliseconds(settings_.window) - now_ms : 0;
    if (left_ms <= 0 || failures <= 0) return {local, 0, 0};
    return {local, static_cast<unsigned>(std::min<std::int64_t>(failures, UINT32_MAX)), static_cast<int>(left_ms / 1000) + 1};
}

std::int64_t LoginThrottle::wall_ms(Clock::time_point now) const {
    const auto wall =
        std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(now - Clock::now());
    return std::chrono::duration_cast<std::chrono::milliseconds>(wall.time_since_epoch()).count();
}

std::variant<LoginThrottle::Attempt, int> LoginThrottle::begin(const std::string& account, const std::string& source, Kind kind,
                                                               Clock::time_point now) {
    const std::int64_t now_ms = shared_ ? wall_ms(now) : 0;
    const auto wider = wider_sources(source);
    std::optional<LoginCounts> stored;
    LoginCount stored_56, stored_48; // shared: the aggregates' source counts
    bool store_success = false;
    bool unknown_first = false;
    std::unique_lock lock(mutex_);
    forget_expired(now);
    for (;;) {
        if (shared_) {
            // Read without the lock (a round trip), and again if a failure of this process was
            // counted meanwhile: it ends its try only after the store holds its count.
            const std::uint64_t read_after = failures_ended_;
            lock.unlock();
            stored = shared_->login_counts(account, source);
            if (wider) {
                stored_56 = shared_->login_counts("", wider->per_56).source;
                stored_48 = shared_->login_counts("", wider->per_48).source;
            }
            lock.lock();
            if (failures_ended_ != read_after) continue;
        }
        // Looked up afresh after every wait: while this thread slept, another one's sweep may
        // have erased the entries. Looked up, not inserted: a refused try costs no memory.
        const Count* pair = find(by_pair_, Pair{account, source});
        const Count* from_source = find(by_source_, source);
        const Count* from_56 = wider ? find(by_source_, wider->per_56) : nullptr;
        const Count* from_48 = wider ? find(by_source_, wider->per_48) : nullptr;
        const Count* for_account = kind == Kind::Password ? find(by_account_, account) : nullptr;
        const Count* unknown_sources = kind == Kind::Password ? find(by_account_unknown_, account) : nullptr;
        const auto stored_seen = [&](const Count* local, const LoginCount& count) {
            return seen(local, count.window_start_ms, count.failures, now_ms);
        };
        const Seen pair_seen = stored ? stored_seen(pair, stored->pair) : seen(pair, now);
        const Seen source_seen = stored ? stored_seen(from_source, stored->source) : seen(from_source, now);
        const Seen seen_56 = stored ? stored_seen(from_56, stored_56) : seen(from_56, now);
        const Seen seen_48 = stored ? stored_seen(from_48, stored_48) : seen(from_48, now);
        const Seen account_seen = stored ? stored_seen(for_account, stored->account) : seen(for_account, now);
        const Seen unknown_seen = stored ? stored_seen(unknown_sources, stored->unknown_sources) : seen(unknown_sources, now);
        const bool known_source =
            stored ? stored->last_login_ms > 0 && now_ms - stored->last_login_ms < milliseconds(settings_.known_source_memory)
                   : known(account, source, now);
        // The account-wide limit never holds back a source that logged in to the account
        // recently, nor a source's first try of the window that has not failed against it:
        // a customer's router whose address just changed gets its try. Those first tries share
        // a budget of their own, so many sources do not each get a free guess.
        const bool first_try = pair_seen.failures == 0 && (!pair || pair->in_flight == 0);
        const bool account_limit = kind == Kind::Password && !known_source && !first_try;
        unknown_first = kind == Kind::Password && !known_source && first_try;
        const std::pair<const Seen*, unsigned> limits[] = {
            {&pair_seen, settings_.max_failures_per_account_source},
            {&source_seen, settings_.max_failures_per_source},
            {wider ? &seen_56 : nullptr, settings_.max_failures_per_source * kSourcesPer56},
            {wider ? &seen_48 : nullptr, settings_.max_failures_per_source * kSourcesPer48},
            {account_limit ? &account_seen : nullptr, settings_.max_failures_per_account},
            {unknown_first ? &unknown_seen : nullptr, settings_.max_unknown_source_failures_per_account},
        };
        std::optional<int> wait;
        bool crowded = false; // room only if the tries in flight do not all fail
        for (const auto& [count, limit] : limits) {
            if (!count) continue;
            if (count->failures >= limit)
                wait = std::max(wait.value_or(0), count->seconds_left);
            else if (count->local && count->failures + count->local->in_flight >= limit)
                crowded = true;
        }
        if (wait) return *wait;
        if (!crowded) {
            store_success =
                stored && (pair_seen.failures > 0 || now_ms - stored->last_login_ms >= milliseconds(kKnownSourceRefresh));
            break;
        }
        may_wait(); // tries in flight decide whether there is room: only a worker waits for them
        finished_.wait(lock);
    }
    const Counts counts = counts_of(account, source, kind, unknown_first);
    for (Count* count : {counts.pair, counts.source, counts.source_56, counts.source_48, counts.account, counts.unknown}) {
        if (!count) continue;
        failures(*count, now); // an expired window starts over before this try counts in it
        ++count->in_flight;
    }
    return Attempt(this, account, source, kind, unknown_first, store_success);
}

// The store holds the count before the try stops being in flight, so a try starting meanwhile
// either sees it in flight or reads the count. A store error ends the try all the same.
void LoginThrottle::end_shared(const Attempt& attempt, End how, Clock::time_point now) {
    const auto release = [&] {
        {
            std::lock_guard lock(mutex_);
            const Counts counts = counts_of(attempt.account_, attempt.source_, attempt.kind_, attempt.unknown_first_);
            for (Count* count : {counts.pair, counts.source, counts.source_56, counts.source_48, counts.account, counts.unknown})
                if (count) --count->in_flight;
            if (how == End::Failed) ++failures_ended_;
        }
        finished_.notify_all();
    };
    try {
        const std::int64_t now_ms = wall_ms(now);
        if (how == End::Failed) {
            shared_->count_login_failure(attempt.account_, attempt.source_, attempt.kind_ == Kind::Password,
                                         attempt.unknown_first_, now_ms, milliseconds(settings_.window));
            // The aggregates are sources of their own, with no account (their pair rows, account "", go with the window).
            if (const auto wider = wider_sources(attempt.source_))
                for (const std::string& aggregate : {wider->per_56, wider->per_48})
                    shared_->count_login_failure("", aggregate, false, false, now_ms, milliseconds(settings_.window));
        } else if (how == End::Succeeded && attempt.store_success_)
            shared_->count_login_success(attempt.account_, attempt.source_, now_ms,
                                         now_ms - milliseconds(settings_.known_source_memory));
    } catch (...) {
        release();
        throw;
    }
    release();
}

void LoginThrottle::end(const Attempt& attempt, End how, Clock::time_point now) {
    if (shared_) return end_shared(attempt, how, now);
    {
        std::lock_guard lock(mutex_);
        const Counts counts = counts_of(attempt.account_, attempt.source_, attempt.kind_, attempt.unknown_first_);
        for (Count* count : {counts.pair, counts.source, counts.source_56, counts.source_48, counts.account, counts.unknown}) {
            if (!count) continue;
            --count->in_flight;
            if (how != End::Failed) continue;
            if (failures(*count, now) == 0) count->start = now;
            ++count->failures;
        }
        if (how == End::Succeeded) {
            counts.pair->failures = 0;
            known_sources_[Pair{attempt.account_, attempt.source_}] = now;
        }
    }
    finished_.notify_all();
}

} // namespace dyndns::core
