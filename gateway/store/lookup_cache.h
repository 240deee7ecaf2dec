// What every call looks up (a password hash, the domain owning a name, whether a name has tokens), answered from memory while the database is unchanged.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include <Poco/Data/Session.h>

#include "store/session_pool.h"
#include "store/sql_dialect.h"
#include "vocabulary/no_wait.h"
#include "vocabulary/records.h"

namespace dyndns::store {

// Changes through this store clear it at once (changed()). Changes by another process: SQLite's
// PRAGMA data_version shows them, checked at most every kSqliteCheckInterval, so they take effect
// within it; PostgreSQL has no such counter, so what is remembered is forgotten after `bound`.
class LookupCache {
public:
    struct Entries {
        std::unordered_map<std::string, std::string> hashes;
        std::unordered_map<std::string, std::optional<core::Domain>> owners;
        std::unordered_map<std::string, bool> token_names;
    };

    // Each check takes the one connection from the history writer and the other workers: at once a
    // millisecond it was 4 % of the gateway's CPU in W2 (a prepared PRAGMA and waits for the
    // connection). An operator's dyndnsctl takes longer than this to run.
    static constexpr std::chrono::milliseconds kSqliteCheckInterval{10};

    LookupCache(Dialect dialect, SessionPool& pool, std::chrono::milliseconds foreign_change_bound)
        : dialect_(dialect), pool_(pool), bound_(foreign_change_bound) {}

    // The remembered answer for `key` in `map`, or `query(session)`'s, remembered once it answered
    // (a failed query must not read as "none").
    template <class T, class Query>
    T lookup(std::unordered_map<std::string, T> Entries::*map, const std::string& key, Query&& query) {
        const auto now_time = std::chrono::steady_clock::now();
        {
            // Checked for foreign changes a moment ago: a remembered answer needs no connection.
            // (Leasing the connection on every call made all workers queue for it, remembered or not.)
            std::lock_guard lock(mutex_);
            if (now_time - checked_ < (dialect_ == Dialect::SQLite ? kSqliteCheckInterval : bound_)) {
                const auto& entries = entries_.*map;
                if (const auto it = entries.find(key); it != entries.end()) return it->second;
            }
        }
        if (dialect_ == Dialect::SQLite && core::no_wait_detail::active) {
            // On the event loop: the foreign-change check if the connection is free this instant,
            // then only a remembered answer will do; a read of the database is a worker's.
            {
                auto db = pool_.try_lease();
                if (!db) throw core::WouldBlock{};
                std::lock_guard lock(mutex_);
                check_data_version(db->session(), now_time);
                const auto& entries = entries_.*map;
                if (const auto it = entries.find(key); it != entries.end()) return it->second;
            }
            throw core::WouldBlock{};
        }
        std::optional<SessionPool::Lease> db;
        std::uint64_t generation = 0;
        if (dialect_ == Dialect::SQLite) {
            db.emplace(pool_.lease()); // the one connection, whose data_version is meaningful
            std::lock_guard lock(mutex_);
            check_data_version(db->session(), now_time);
        }
        {
            std::lock_guard lock(mutex_);
            if (dialect_ == Dialect::PostgreSQL && now_time - checked_ >= bound_) {
                clear();
                checked_ = now_time;
            }
            if (entries_.hashes.size() + entries_.owners.size() + entries_.token_names.size() > kMaxCached) clear();
            const auto& entries = entries_.*map;
            if (const auto it = entries.find(key); it != entries.end()) return it->second;
            generation = generation_;
        }
        if (!db) db.emplace(pool_.lease());
        T value = query(db->session());
        std::lock_guard lock(mutex_);
        if (generation_ == generation) (entries_.*map)[key] = value;
        return value;
    }

    // Call after any change made through this store.
    void changed() {
        std::lock_guard lock(mutex_);
        clear();
        checked_ = {};
    }

private:
    // SQLite: forgets everything when another connection committed since the last look (under mutex_).
    void check_data_version(Poco::Data::Session& session, std::chrono::steady_clock::time_point now_time) {
        if (now_time - checked_ < kSqliteCheckInterval) return;
        checked_ = now_time;
        std::int64_t version = -1;
        session << "PRAGMA data_version", Poco::Data::Keywords::into(version), Poco::Data::Keywords::now;
        if (version != version_) clear();
        version_ = version;
    }

    static constexpr std::size_t kMaxCached = 100000;
    void clear() { // under mutex_
        entries_ = {};
        ++generation_;
    }

    const Dialect dialect_;
    SessionPool& pool_;
    const std::chrono::milliseconds bound_;
    std::mutex mutex_;
    Entries entries_;
    std::uint64_t generation_ = 0; // bumped by every clear: a lookup begun before one is not kept
    std::int64_t version_ = -1;
    std::chrono::steady_clock::time_point checked_{};
};

} // namespace dyndns::store
