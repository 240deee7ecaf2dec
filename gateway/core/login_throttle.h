// Throttles failed logins per (account, source) and per source, plus an account-wide limit that never locks out a known source, counted in memory or in a store gateways share: a fault with a retry time, never a sleep.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include <Poco/Net/IPAddress.h>

#include "core/ports/counter_port.h"

namespace dyndns::core {

struct ThrottleSettings {
    unsigned max_failures_per_account_source = 10; // one source guessing one account
    unsigned max_failures_per_source = 30; // one source guessing any accounts; an IPv6 /56 4 times it, a /48 16 times
    // All sources together against one account, except sources that logged in to it recently
    // and per-host tokens: a botnet is slowed, the customer's own routers are not.
    unsigned max_failures_per_account = 100;
    // First tries from sources the account never logged in from, all together: each such source's
    // first guess is not held back by the account-wide limit (a router whose address just changed
    // gets its try), so without this budget every new IPv4 address or IPv6 /64 would be a free guess.
    unsigned max_unknown_source_failures_per_account = 20;
    std::chrono::seconds window{300}; // each count is a fixed window; a blocked caller waits for its end
    std::chrono::seconds known_source_memory{24 * 3600}; // a successful login vouches for its source this long
};

// Who the throttle counts as one source: an IPv4 address, or the /64 of an IPv6 address (what
// one customer line gets). `caller` nothing: `peer` as given.
std::string throttle_source(const std::optional<Poco::Net::IPAddress>& caller, const std::string& peer);

// The IPv6 /56 and /48 holding a /64 source ("2001:db8:1:200::/56", "2001:db8:1::/48"): the
// aggregates one site's many lines are also counted under. Nothing for any other source.
struct WiderSources {
    std::string per_56;
    std::string per_48;
};
std::optional<WiderSources> wider_sources(const std::string& source);

// Fixed-window failure counters. Whether a try may start is decided in the same locked step
// that counts it as in flight, and a count's tries in flight never exceed what is left of its
// limit: concurrent guessers cannot all pass the check before any of them has failed. A try
// that would only exceed the limit if the ones in flight all failed waits for them (at most a
// password verification), so a burst of good logins from one source is not refused. Blocking
// a guesser costs the server nothing: a blocked login is refused before any hash is checked.
//
// With a `shared` store (PostgreSQL, several gateways) the failure counts and the known sources
// live there, on the wall clock, so two gateways do not double a limit: a try starts on the
// counts read from the store, and a failure is counted by atomic upserts. The tries in flight
// stay this process's own: tries in flight at once on several gateways may each pass a count
// one short of its limit (at most one failure over it per gateway). A store error reaches the
// caller as store::DatabaseError (fault 10); a try it interrupts is not counted.
class LoginThrottle {
public:
    using Clock = std::chrono::steady_clock;
    explicit LoginThrottle(ThrottleSettings settings = {}, LoginCountPort* shared = nullptr)
        : settings_(settings), shared_(shared) {}
    LoginThrottle(const LoginThrottle&) = delete;
    LoginThrottle& operator=(const LoginThrottle&) = delete;

    // Whether the account-wide limit applies (a password), or not (a per-host token).
    enum class Kind { Password, Token };

    // One try in flight. Ends as failed(), succeeded(), or (destroyed without either, e.g. by a
    // store error) uncounted.
    class Attempt {
    public:
        Attempt(Attempt&& other) noexcept;
        Attempt& operator=(Attempt&&) = delete;
        ~Attempt();
        // A wrong password or token: counted against every limit of the try.
        void failed(Clock::time_point now = Clock::now());
        // Logged in: the (account, source) count is cleared and the source remembered as the
        // account's. The source's own count is not: a shared NAT address with one good customer
        // must not launder another's guessing.
        void succeeded(Clock::time_point now = Clock::now());

    private:
        friend class LoginThrottle;
        Attempt(LoginThrottle* throttle, std::string account, std::string source, Kind kind, bool unknown_first,
                bool store_success)
            : throttle_(throttle),
              account_(std::move(account)),
              source_(std::move(source)),
              kind_(kind),
              unknown_first_(unknown_first),
              store_success_(store_success) {}
        LoginThrottle* throttle_; // null once ended or moved from
        std::string account_;
        std::string source_;
        Kind kind_;
        bool unknown_first_; // a password's first try from a source the account does not know
        bool store_success_; // shared: a success has a count to clear or a known source to refresh
    };

    // Starts a try of `account` from `source`, or answers the seconds to wait.
    std::variant<Attempt, int> begin(const std::string& account, const std::string& source, Kind kind,
                                     Clock::time_point now = Clock::now());

private:
    enum class End { Failed, Succeeded, Uncounted };
    struct Count {
        Clock::time_point start; // of the window holding `failures`
        unsigned failures = 0;
        unsigned in_flight = 0;
    };
    using Pair = std::pair<std::string, std::string>; // account, source
    struct Counts {
        Count* pair;
        Count* source;
        Count* source_56; // null for a source that is not an IPv6 /64
        Count* source_48;
        Count* account; // null for a token
        Count* unknown; // the account's first tries from unknown sources; null for any other try
    };

    // What a try is checked against, for one count: failures in its window, and when that ends.
    struct Seen {
        const Count* local; // this process's tries in flight (and, unshared, its failures); may be null
        unsigned failures;
        int seconds_left;
    };
    Seen seen(const Count* local, Clock::time_point now) const;
    Seen seen(const Count* local, const std::optional<std::int64_t>& window_start_ms, std::int64_t failures,
              std::int64_t now_ms) const;
    std::int64_t wall_ms(Clock::time_point now) const; // `now` on the wall clock every gateway reads
    void end_shared(const Attempt& attempt, End how, Clock::time_point now);

    Counts counts_of(const std::string& account, const std::string& source, Kind kind, bool unknown_first); // inserts
    template <class Map, class Key>
    static const Count* find(const Map& map, const Key& key); // does not
    unsigned current_failures(const Count* count, Clock::time_point now) const; // 0 when absent or expired
    unsigned failures(Count& count, Clock::time_point now) const; // resets an expired window
    int seconds_left(const Count& count, Clock::time_point now) const;
    void end(const Attempt& attempt, End how, Clock::time_point now);
    bool known(const std::string& account, const std::string& source, Clock::time_point now) const;
    void forget_expired(Clock::time_point now);

    ThrottleSettings settings_;
    LoginCountPort* shared_;
    std::mutex mutex_;
    std::uint64_t failures_ended_ = 0; // under mutex_: a shared count read before one changed may be stale
    std::condition_variable finished_; // an in-flight try ended
    std::map<Pair, Count> by_pair_;
    std::map<std::string, Count> by_source_;
    std::map<std::string, Count> by_account_;
    std::map<std::string, Count> by_account_unknown_;
    std::map<Pair, Clock::time_point> known_sources_; // last successful login
    Clock::time_point last_sweep_{};
};

} // namespace dyndns::core
