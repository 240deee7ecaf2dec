// The store's shared insides for its per-table files: the session pool, the lookup cache (lookup_cache.h), input checks and the failure wrapper.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include "store/lookup_cache.h"
#include "store/password_check.h"
#include "store/session_pool.h"
#include "store/sql_dialect.h"
#include "store/store.h"
#include "vocabulary/names.h"

namespace dyndns::store {

// Only the store's own .cpp files (and its tests) include this header.
using namespace Poco::Data::Keywords;
using core::lower;

// An account name as stored (lower-case, 1..64 of [a-z0-9._-]), else InvalidInput.
std::string account_name(const std::string& raw);
// InvalidInput unless 1..1024 bytes.
void check_password(const std::string& password);
// Host-name syntax (vocabulary/names.h): what a dyndns domain can be, else InvalidInput.
std::string domain_name(const std::string& raw);
std::int64_t now_ms();
// PostgreSQL's messages span lines (the statement, a caret under the error): a log line is one
// line, and a bounded one, which never quotes the connection string (it may hold a password).
std::string one_line(std::string text);

struct Store::Impl {
    Dialect dialect;
    std::string description;
    SessionPool pool;
    PasswordCheck passwords; // authentication: the verification cache and the per-account argon2 gates

    Impl(Dialect dialect_, std::string description_, std::function<Poco::Data::Session()> open,
         std::function<void(Poco::Data::Session&)> reconnect, SessionPool::Settings settings)
        : dialect(dialect_),
          description(std::move(description_)),
          pool(std::move(open), std::move(reconnect), description, settings) {}

    // A statement written once, with `?` placeholders, in this database's dialect.
    std::string sql(const std::string& statement) const { return in_dialect(dialect, statement); }

    LookupCache cache{dialect, pool, kForeignChangeBound};
    std::mutex prune_mutex;
    std::chrono::steady_clock::time_point last_call_prune{}; // under prune_mutex
    std::chrono::steady_clock::time_point last_failure_prune{}; // under prune_mutex
    std::chrono::steady_clock::time_point last_source_prune{}; // under prune_mutex

    // Whether a table's prune is due (at most once a minute per store), marking it done.
    bool prune_due(std::chrono::steady_clock::time_point& last) {
        const auto now_time = std::chrono::steady_clock::now();
        std::lock_guard lock(prune_mutex);
        if (now_time - last <= std::chrono::minutes(1)) return false;
        last = now_time;
        return true;
    }

    // Rows of (scope, failures, window start or last login) as LoginCounts; scope 3 is the known source.
    static Store::LoginCounts login_counts_of(const std::vector<Poco::Int64>& scopes, const std::vector<Poco::Int64>& values,
                                              const std::vector<Poco::Int64>& times) {
        Store::LoginCounts counts;
        for (std::size_t i = 0; i < scopes.size() && i < values.size() && i < times.size(); ++i) {
            const Store::LoginCount count{values[i], times[i]};
            switch (scopes[i]) {
            case 0: counts.pair = count; break;
            case 1: counts.source = count; break;
            case 2: counts.account = count; break;
            case 3: counts.last_login_ms = times[i]; break;
            case 4: counts.unknown_sources = count; break;
            default: break;
            }
        }
        return counts;
    }

    // Call after any change made through this store.
    void changed() { cache.changed(); }

    std::string cached_hash(const std::string& account) {
        return cache.lookup(&LookupCache::Entries::hashes, account,
                            [&](Poco::Data::Session& session) { return stored_hash(session, account); });
    }

    std::string stored_hash(Poco::Data::Session& session, const std::string& account) const {
        std::vector<std::string> hashes;
        session << sql("SELECT password_hash FROM accounts WHERE name = ?"), bind(account), into(hashes), now;
        return hashes.empty() ? "" : hashes.front();
    }

    bool domain_exists(Poco::Data::Session& session, const std::string& domain) const {
        int count = 0;
        session << sql("SELECT count(*) FROM domains WHERE name = ?"), bind(domain), into(count), now;
        return count > 0;
    }
};

// Every database failure leaves the store as a DatabaseError naming what was being done.
template <class F>
auto guarded(const char* doing, F&& body) -> decltype(body()) {
    try {
        return body();
    } catch (const StoreError&) {
        throw;
    } catch (const Poco::Exception& e) {
        throw DatabaseError(std::string("store: cannot ") + doing + ": " + one_line(e.displayText()));
    } catch (const std::exception& e) {
        // Poco's PostgreSQL connector throws a few standard exceptions of its own (a bad cast of a column).
        throw DatabaseError(std::string("store: cannot ") + doing + ": " + one_line(e.what()));
    }
}

} // namespace dyndns::store
