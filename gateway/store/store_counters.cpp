// The counts gateways sharing a store agree on: the call budget and the login throttle's failures and known sources.
#include <algorithm>
#include <optional>

#include <Poco/Tuple.h>

#include "store/store_impl.h"

namespace dyndns::store {

std::int64_t Store::count_call(const std::string& account, std::chrono::system_clock::time_point window_start) {
    const auto start_ms =
        static_cast<Poco::Int64>(std::chrono::duration_cast<std::chrono::milliseconds>(window_start.time_since_epoch()).count());
    return guarded("count the call", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Int64 calls = 0;
        session << impl_->sql("INSERT INTO call_counts(account, window_start_ms, calls) VALUES(?, ?, 1) "
                              "ON CONFLICT(account, window_start_ms) DO UPDATE SET calls = call_counts.calls + 1 "
                              "RETURNING calls"),
            bind(account), bind(start_ms), into(calls), now;
        const auto now_time = std::chrono::steady_clock::now();
        bool prune = false;
        {
            std::lock_guard lock(impl_->prune_mutex);
            if (now_time - impl_->last_call_prune > std::chrono::minutes(1)) {
                impl_->last_call_prune = now_time;
                prune = true;
            }
        }
        if (prune)
            session << impl_->sql("DELETE FROM call_counts WHERE window_start_ms < ?"), bind(start_ms - Poco::Int64{3600 * 1000}),
                now;
        return static_cast<std::int64_t>(calls);
    });
}

Store::LoginCounts Store::login_counts(const std::string& account, const std::string& source) const {
    return guarded("read the login counts", [&] {
        auto db = impl_->pool.lease();
        std::vector<Poco::Int64> scopes, values, times;
        db.session() << impl_->sql(
            "SELECT scope, failures, window_start_ms FROM login_failures "
            "WHERE (scope = 0 AND account = ? AND source = ?) OR (scope = 1 AND account = '' AND source = ?) "
            "OR (scope IN (2, 4) AND account = ? AND source = '') "
            "UNION ALL SELECT 3, 0, last_login_ms FROM login_sources WHERE account = ? AND source = ?"),
            bind(account), bind(source), bind(source), bind(account), bind(account), bind(source), into(scopes), into(values),
            into(times), now;
        return Impl::login_counts_of(scopes, values, times);
    });
}

Store::LoginCounts Store::count_login_failure(const std::string& account, const std::string& source, bool account_wide,
                                              bool unknown_source, std::int64_t now_ms, std::int64_t window_ms) {
    return guarded("count the failed login", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        const Poco::Int64 at = now_ms;
        const Poco::Int64 ended_before = now_ms - window_ms;
        std::vector<Poco::Int64> scopes, values, times;
        // The rows in scope order: concurrent upserts lock them in the same order, so never deadlock.
        Poco::Data::Statement upsert(session);
        upsert << impl_->sql(
            std::string("INSERT INTO login_failures(scope, account, source, window_start_ms, failures) "
                        "VALUES(0, ?, ?, ?, 1), (1, '', ?, ?, 1)") +
            (account_wide ? ", (2, ?, '', ?, 1)" : "") + (unknown_source ? ", (4, ?, '', ?, 1)" : "") +
            " ON CONFLICT(scope, account, source) DO UPDATE SET "
            "failures = CASE WHEN login_failures.window_start_ms <= ? THEN 1 ELSE login_failures.failures + 1 END, "
            "window_start_ms = CASE WHEN login_failures.window_start_ms <= ? THEN excluded.window_start_ms "
            "ELSE login_failures.window_start_ms END "
            "RETURNING scope, failures, window_start_ms"),
            bind(account), bind(source), bind(at), bind(source), bind(at);
        if (account_wide) upsert, bind(account), bind(at);
        if (unknown_source) upsert, bind(account), bind(at);
        upsert, bind(ended_before), bind(ended_before), into(scopes), into(values), into(times);
        upsert.execute();
        if (impl_->prune_due(impl_->last_failure_prune))
            session << impl_->sql("DELETE FROM login_failures WHERE window_start_ms <= ?"), bind(ended_before), now;
        return Impl::login_counts_of(scopes, values, times);
    });
}

void Store::count_login_success(const std::string& account, const std::string& source, std::int64_t now_ms,
                                std::int64_t forget_before_ms) {
    guarded("count the login", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        const Poco::Int64 at = now_ms;
        session << impl_->sql("DELETE FROM login_failures WHERE scope = 0 AND account = ? AND source = ?"), bind(account),
            bind(source), now;
        session << impl_->sql("INSERT INTO login_sources(account, source, last_login_ms) VALUES(?, ?, ?) "
                              "ON CONFLICT(account, source) DO UPDATE SET last_login_ms = excluded.last_login_ms"),
            bind(account), bind(source), bind(at), now;
        if (impl_->prune_due(impl_->last_source_prune))
            session << impl_->sql("DELETE FROM login_sources WHERE last_login_ms < ?"), bind(Poco::Int64{forget_before_ms}), now;
    });
}

} // namespace dyndns::store
