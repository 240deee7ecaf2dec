// The counts several gateways must agree on: the call budget and the login throttle's failures.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace dyndns::core {

// The shared call budget (core/call_rate_limit.h holds the rule). May throw store::DatabaseError.
class CallCountPort {
public:
    virtual ~CallCountPort() = default;
    // Counts one call of `account` in the window starting at `window_start`, atomically; returns
    // the window's count with this call.
    virtual std::int64_t count_call(const std::string& account, std::chrono::system_clock::time_point window_start) = 0;
};

// The login throttle's counts (core/login_throttle.h holds the rules). Times are wall-clock
// milliseconds; a count whose window has ended is stale, not zero.
struct LoginCount {
    std::int64_t failures = 0;
    std::int64_t window_start_ms = 0;
};
struct LoginCounts {
    LoginCount pair; // this account from this source
    LoginCount source; // this source against any account
    LoginCount account; // any source against this account
    LoginCount unknown_sources; // first tries of sources the account has never logged in from, against it
    std::int64_t last_login_ms = 0; // this account's last login from this source; 0: none remembered
};

// May throw store::DatabaseError.
class LoginCountPort {
public:
    virtual ~LoginCountPort() = default;
    virtual LoginCounts login_counts(const std::string& account, const std::string& source) const = 0;
    // Counts one failure against the pair, the source and (`account_wide`) the account, each
    // atomically, starting a new window at `now_ms` where the last began `window_ms` or more before.
    // Returns the counts it changed: the account's is zero when not `account_wide`, last_login_ms 0.
    // `unknown_source`: the try was a first one from a source not known to the account, also counted
    // in `unknown_sources`.
    virtual LoginCounts count_login_failure(const std::string& account, const std::string& source, bool account_wide,
                                            bool unknown_source, std::int64_t now_ms, std::int64_t window_ms) = 0;
    // A login: the pair's count is cleared and the source remembered as the account's at `now_ms`;
    // sources last seen before `forget_before_ms` may be deleted.
    virtual void count_login_success(const std::string& account, const std::string& source, std::int64_t now_ms,
                                     std::int64_t forget_before_ms) = 0;
};

} // namespace dyndns::core
