// Fixed-window failure counters checked and counted under one lock, with lazy expiry so memory stays bounded by recent guessers.
#include "core/login_throttle.h"

#include <algorithm>

#include "core/cidr.h"

namespace dyndns::core {

namespace {
constexpr unsigned kIpv6SourcePrefix = 64; // RFC 6177: a customer line gets at least a /64
} // namespace

std::string throttle_source(const std::optional<Poco::Net::IPAddress>& caller, const std::string& peer) {
    if (!caller) return peer;
    if (caller->family() != Poco::Net::IPAddress::IPv6) return caller->toString();
    return masked(*caller, kIpv6SourcePrefix).toString() + "/" + std::to_string(kIpv6SourcePrefix);
}

LoginThrottle::Attempt::Attempt(Attempt&& other) noexcept
    : throttle_(std::exchange(other.throttle_, nullptr)), account_(std::move(other.account_)),
      source_(std::move(other.source_)), kind_(other.kind_) {}

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

LoginThrottle::Counts LoginThrottle::counts_of(const std::string& account, const std::string& source, Kind kind) {
    return {&by_pair_[Pair{account, source}], &by_source_[source], kind == Kind::Password ? &by_account_[account] : nullptr};
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
    std::erase_if(known_sources_, [&](const auto& entry) { return now - entry.second >= settings_.known_source_memory; });
}

std::variant<LoginThrottle::Attempt, int> LoginThrottle::begin(const std::string& account, const std::string& source,
                                                               Kind kind, Clock::time_point now) {
    std::unique_lock lock(mutex_);
    forget_expired(now);
    for (;;) {
        // Looked up afresh after every wait: while this thread slept, another one's sweep may
        // have erased the entries. Looked up, not inserted: a refused try costs no memory.
        const Count* pair = find(by_pair_, Pair{account, source});
        const Count* from_source = find(by_source_, source);
        const Count* for_account = kind == Kind::Password ? find(by_account_, account) : nullptr;
        // The account-wide limit never holds back a source that logged in to the account
        // recently, nor a source's first try of the window that has not failed against it:
        // a customer's router whose address just changed gets its try.
        const bool first_try = current_failures(pair, now) == 0 && (!pair || pair->in_flight == 0);
        const bool account_limit = kind == Kind::Password && !known(account, source, now) && !first_try;
        const std::pair<const Count*, unsigned> limits[] = {
            {pair, settings_.max_failures_per_account_source},
            {from_source, settings_.max_failures_per_source},
            {account_limit ? for_account : nullptr, settings_.max_failures_per_account},
        };
        std::optional<int> wait;
        bool crowded = false; // room only if the tries in flight do not all fail
        for (const auto& [count, limit] : limits) {
            if (!count) continue;
            const unsigned failed = current_failures(count, now);
            if (failed >= limit)
                wait = std::max(wait.value_or(0), seconds_left(*count, now));
            else if (failed + count->in_flight >= limit)
                crowded = true;
        }
        if (wait) return *wait;
        if (!crowded) break;
        finished_.wait(lock);
    }
    const Counts counts = counts_of(account, source, kind);
    for (Count* count : {counts.pair, counts.source, counts.account}) {
        if (!count) continue;
        failures(*count, now); // an expired window starts over before this try counts in it
        ++count->in_flight;
    }
    return Attempt(this, account, source, kind);
}

void LoginThrottle::end(const Attempt& attempt, End how, Clock::time_point now) {
    {
        std::lock_guard lock(mutex_);
        const Counts counts = counts_of(attempt.account_, attempt.source_, attempt.kind_);
        for (Count* count : {counts.pair, counts.source, counts.account}) {
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
