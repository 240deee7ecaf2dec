// The store over SQLite (one connection, WAL so the gateway and dyndnsctl share the file) or PostgreSQL (a pool of sessions); names validated on the way in; password checks are PasswordCheck's.
#include "store/store.h"

#include <algorithm>
#include <cerrno>
#include <functional>
#include <cctype>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <unordered_map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Tuple.h>

#include "core/history_outcome.h"
#include "core/names.h"
#include "store/password_check.h"
#include "store/password_hash.h"
#include "store/postgres_conninfo.h"
#include "store/session_pool.h"
#include "store/sql_dialect.h"
#include "store/store_schema.h"
#include "store/transaction.h"

namespace dyndns::store {
namespace {

using namespace Poco::Data::Keywords;

using core::kMaxAccountLength;
using core::kMaxPasswordLength;
// How long a writer waits for another process's transaction before giving up.
constexpr std::size_t kBusyTimeoutSeconds = 5;

using core::lower;

std::string account_name(const std::string& raw) {
    std::string name = lower(raw);
    const bool valid = !name.empty() && name.size() <= kMaxAccountLength &&
                       std::all_of(name.begin(), name.end(),
                                   [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; });
    if (!valid) throw InvalidInput("an account name is 1 to 64 characters of a-z, 0-9, '.', '_' and '-'");
    return name;
}

void check_password(const std::string& password) {
    if (password.empty() || password.size() > kMaxPasswordLength) throw InvalidInput("a password is 1 to 1024 bytes");
}

// Host-name syntax (core/names.h): what a dyndns domain can be.
std::string domain_name(const std::string& raw) {
    auto name = core::host_name(raw);
    if (!name)
        throw InvalidInput("'" + raw.substr(0, 80) +
                           "' is not a domain name (letters, digits, hyphens; labels of 1 to 63 that neither start nor end "
                           "with a hyphen)");
    return std::move(*name);
}

// The file holds password hashes and token hashes: readable by the gateway's user only. Created
// here with 0600 before SQLite opens it, since SQLite creates with 0644 less the umask; SQLite
// gives the -wal and -shm files it creates later the database file's mode.
void create_private(const std::string& path) {
    if (path.empty() || path == ":memory:" || path.starts_with("file:")) return;
    const auto failure = [&path](const char* doing, int error) {
        return StoreError("store: cannot " + std::string(doing) + " the SQLite file " + path + ": " +
                          std::system_category().message(error));
    };
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::fchmod(fd, 0600); // whatever the umask left
        ::close(fd);
        return;
    }
    // Said here with the system's words: SQLite's are "unable to open database file", and only
    // after Poco has retried the open for its login timeout (a minute).
    if (errno != EEXIST) throw failure("create", errno);
    // An existing store keeps the mode its operator chose; it may be read-only (dyndnsctl's reads).
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw failure("open", errno);
    struct stat status {};
    const bool directory = ::fstat(fd, &status) == 0 && S_ISDIR(status.st_mode);
    ::close(fd);
    if (directory) throw failure("open", EISDIR);
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

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

    // What every call looks up (a password hash, the domain owning a name, whether a name has
    // tokens), answered from memory while the database is unchanged. Changes through this
    // store clear it at once. Changes by another process: SQLite's PRAGMA data_version shows
    // them, checked at most once a millisecond, so they take effect on the next call;
    // PostgreSQL has no such counter, so what is remembered is forgotten after
    // kForeignChangeBound.
    struct LookupCache {
        std::mutex mutex;
        std::uint64_t generation = 0; // bumped by every clear: a lookup begun before one is not kept
        std::int64_t version = -1;
        std::chrono::steady_clock::time_point checked{};
        std::unordered_map<std::string, std::string> hashes;
        std::unordered_map<std::string, std::optional<Domain>> owners;
        std::unordered_map<std::string, bool> token_names;
        void clear() {
            hashes.clear();
            owners.clear();
            token_names.clear();
            ++generation;
        }
    } cache;
    static constexpr std::size_t kMaxCached = 100000;
    std::chrono::steady_clock::time_point last_call_prune{}; // under cache.mutex
    std::chrono::steady_clock::time_point last_failure_prune{}; // under cache.mutex
    std::chrono::steady_clock::time_point last_source_prune{}; // under cache.mutex

    // Whether a table's prune is due (at most once a minute per store), marking it done.
    bool prune_due(std::chrono::steady_clock::time_point& last) {
        const auto now_time = std::chrono::steady_clock::now();
        std::lock_guard lock(cache.mutex);
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
            default: break;
            }
        }
        return counts;
    }

    // The cache's answer for `key` in `map`, or `query(session)`'s, remembered.
    template <class T, class Query>
    T cached(std::unordered_map<std::string, T> LookupCache::*map, const std::string& key, Query&& query) {
        std::optional<SessionPool::Lease> db;
        std::uint64_t generation = 0;
        {
            std::int64_t version = -1;
            const auto now_time = std::chrono::steady_clock::now();
            if (dialect == Dialect::SQLite) {
                db.emplace(pool.lease()); // the one connection, whose data_version is meaningful
                std::lock_guard lock(cache.mutex);
                if (now_time - cache.checked >= std::chrono::milliseconds(1)) {
                    cache.checked = now_time;
                    db->session() << "PRAGMA data_version", into(version), now;
                    if (version != cache.version) cache.clear();
                    cache.version = version;
                }
            }
            std::lock_guard lock(cache.mutex);
            if (dialect == Dialect::PostgreSQL && now_time - cache.checked >= kForeignChangeBound) {
                cache.clear();
                cache.checked = now_time;
            }
            if (cache.hashes.size() + cache.owners.size() + cache.token_names.size() > kMaxCached) cache.clear();
            const auto& entries = cache.*map;
            if (const auto it = entries.find(key); it != entries.end()) return it->second;
            generation = cache.generation;
        }
        if (!db) db.emplace(pool.lease());
        // Kept only once the query has answered: a failed one must not read as "none".
        T value = query(db->session());
        std::lock_guard lock(cache.mutex);
        if (cache.generation == generation) (cache.*map)[key] = value;
        return value;
    }

    // Call after any change made through this store.
    void changed() {
        std::lock_guard lock(cache.mutex);
        cache.clear();
        cache.checked = {};
    }

    std::string cached_hash(const std::string& account) {
        return cached(&LookupCache::hashes, account, [&](Poco::Data::Session& session) { return stored_hash(session, account); });
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

namespace {

Poco::Data::Session open_sqlite(const std::string& path) {
    create_private(path);
    static std::once_flag registered;
    std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
    Poco::Data::Session session(Poco::Data::SQLite::Connector::KEY, path);
    session.setConnectionTimeout(kBusyTimeoutSeconds); // sqlite3_busy_timeout: wait for the other process
    session << "PRAGMA journal_mode=WAL", now;
    session << "PRAGMA synchronous=NORMAL", now; // WAL makes this durable up to the last checkpoint, and fast
    session << "PRAGMA foreign_keys=ON", now;
    return session;
}

// A statement the server ends after this long (a lock held by someone else, a runaway query):
// the call fails with DatabaseError rather than holding a worker.
constexpr const char* kStatementTimeoutMs = "5000";

// Poco 1.11 leaks the libpq connection of every failed login; a server that does not answer at
// all (the usual outage) is found out first, where nothing is left behind.
void check_answers(const PostgresTarget& target) {
    if (!postgres_answers(target.connection))
        throw DatabaseError("store: cannot connect to PostgreSQL " + target.description + ": no answer");
}

// What every session of ours runs with.
void configure_postgresql(Poco::Data::Session& session) {
    std::string ignored;
    session << "SELECT set_config('statement_timeout', $1, false)", bind(std::string(kStatementTimeoutMs)), into(ignored), now;
    // CREATE TABLE IF NOT EXISTS and the like would print NOTICEs on the gateway's stderr.
    session << "SELECT set_config('client_min_messages', 'warning', false)", into(ignored), now;
}

Poco::Data::Session open_postgresql(const PostgresTarget& target) {
    static std::once_flag registered;
    std::call_once(registered, [] { Poco::Data::PostgreSQL::Connector::registerConnector(); });
    check_answers(target);
    Poco::Data::Session session(Poco::Data::PostgreSQL::Connector::KEY, target.connection);
    configure_postgresql(session);
    return session;
}

// A session whose connection broke (the server restarted): libpq dials again with the same
// parameters, in the same connection object.
void reconnect_postgresql(const PostgresTarget& target, Poco::Data::Session& session) {
    check_answers(target);
    auto* impl = dynamic_cast<Poco::Data::PostgreSQL::SessionImpl*>(session.impl());
    if (!impl || !impl->handle().reset())
        throw DatabaseError("store: cannot connect to PostgreSQL " + target.description + ": the connection was not restored");
    configure_postgresql(session);
}

} // namespace

namespace {

// PostgreSQL's messages span lines (the statement, a caret under the error): a log line is one
// line, and a bounded one.
std::string one_line(std::string text) {
    constexpr std::size_t kMaxBytes = 400;
    std::replace_if(
        text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }, ' ');
    if (text.size() > kMaxBytes) text = text.substr(0, kMaxBytes) + "...";
    return text;
}

} // namespace

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

Store::Store(const std::string& path) : Store(Location{path, "", 1}) {}

Store::Store(const Location& location) {
    guarded("open the database", [&] {
        if (location.postgresql.empty()) {
            SessionPool::Settings one_connection;
            one_connection.max_sessions = 1; // SQLite serialises writers anyway; data_version is per connection
            one_connection.wait = std::chrono::hours(24); // the connection's busy timeout bounds each use
            one_connection.close_after_error = false;
            impl_ = std::make_unique<Impl>(
                Dialect::SQLite, "SQLite " + location.sqlite_path, [path = location.sqlite_path] { return open_sqlite(path); },
                nullptr, one_connection);
        } else {
            const PostgresTarget target = postgres_target(location.postgresql);
            SessionPool::Settings pooled;
            pooled.max_sessions = std::max<std::size_t>(1, location.max_sessions);
            impl_ = std::make_unique<Impl>(
                Dialect::PostgreSQL, "PostgreSQL " + target.description, [target] { return open_postgresql(target); },
                [target](Poco::Data::Session& session) { reconnect_postgresql(target, session); }, pooled);
        }
        auto db = impl_->pool.lease();
        migrate(db.session(), impl_->dialect);
        return 0;
    });
}

Store::~Store() = default;

const std::string& Store::description() const { return impl_->description; }

bool Store::is_shared() const { return impl_->dialect == Dialect::PostgreSQL; }

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
            std::lock_guard lock(impl_->cache.mutex);
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
            "OR (scope = 2 AND account = ? AND source = '') "
            "UNION ALL SELECT 3, 0, last_login_ms FROM login_sources WHERE account = ? AND source = ?"),
            bind(account), bind(source), bind(source), bind(account), bind(account), bind(source), into(scopes), into(values),
            into(times), now;
        return Impl::login_counts_of(scopes, values, times);
    });
}

Store::LoginCounts Store::count_login_failure(const std::string& account, const std::string& source, bool account_wide,
                                              std::int64_t now_ms, std::int64_t window_ms) {
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
            (account_wide ? ", (2, ?, '', ?, 1)" : "") +
            " ON CONFLICT(scope, account, source) DO UPDATE SET "
            "failures = CASE WHEN login_failures.window_start_ms <= ? THEN 1 ELSE login_failures.failures + 1 END, "
            "window_start_ms = CASE WHEN login_failures.window_start_ms <= ? THEN excluded.window_start_ms "
            "ELSE login_failures.window_start_ms END "
            "RETURNING scope, failures, window_start_ms"),
            bind(account), bind(source), bind(at), bind(source), bind(at);
        if (account_wide) upsert, bind(account), bind(at);
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

void Store::add_account(const std::string& raw_account, const std::string& password) {
    const std::string account = account_name(raw_account);
    check_password(password);
    std::string hash = hash_password(password); // slow: outside the lock
    guarded("add the account", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (!impl_->stored_hash(session, account).empty()) throw StoreError("account '" + account + "' already exists");
        session << impl_->sql("INSERT INTO accounts(name, password_hash, created_ms) VALUES(?, ?, ?)"), bind(account), bind(hash),
            bind(now_ms()), now;
        impl_->changed();
    });
}

void Store::set_password(const std::string& raw_account, const std::string& password) {
    const std::string account = account_name(raw_account);
    check_password(password);
    std::string hash = hash_password(password);
    guarded("change the password", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (impl_->stored_hash(session, account).empty()) throw StoreError("no account '" + account + "'");
        session << impl_->sql("UPDATE accounts SET password_hash = ? WHERE name = ?"), bind(hash), bind(account), now;
        impl_->changed();
    });
    impl_->passwords.forget(account);
}

void Store::delete_account(const std::string& raw_account) {
    const std::string account = account_name(raw_account);
    guarded("delete the account", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (impl_->stored_hash(session, account).empty()) throw StoreError("no account '" + account + "'");
        // The domains go with the account (ON DELETE CASCADE), their tokens with them, and their
        // history here: a domain given to another customer later must not show this one's calls.
        in_transaction(session, impl_->dialect, [&] {
            session << impl_->sql("DELETE FROM history WHERE domain IN (SELECT name FROM domains WHERE account = ?)"),
                bind(account), now;
            session << impl_->sql("DELETE FROM accounts WHERE name = ?"), bind(account), now;
        });
        impl_->changed();
    });
    impl_->passwords.forget(account);
}

std::vector<std::string> Store::list_accounts() const {
    return guarded("list the accounts", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<std::string> names;
        session << impl_->sql("SELECT name FROM accounts ORDER BY name"), into(names), now;
        return names;
    });
}

bool Store::account_exists(const std::string& raw_account) const {
    std::string account;
    try {
        account = account_name(raw_account);
    } catch (const InvalidInput&) {
        return false;
    }
    return guarded("look up the account", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        return !impl_->stored_hash(session, account).empty();
    });
}

bool Store::verify_password(const std::string& raw_account, const std::string& password) {
    std::string account;
    std::string hash;
    try {
        account = account_name(raw_account);
        hash = guarded("look up the account", [&] { return impl_->cached_hash(account); });
    } catch (const InvalidInput&) {
        // A name that cannot exist still pays for a hash, like any unknown account.
    }
    if (password.empty() || password.size() > kMaxPasswordLength) return false;
    return impl_->passwords.verify(account, password, hash); // outside the store's lock
}

std::string Store::credential_stamp(const std::string& raw_account) const {
    std::string account;
    try {
        account = account_name(raw_account);
    } catch (const InvalidInput&) {
        return "";
    }
    const std::string hash = guarded("look up the account", [&] { return impl_->cached_hash(account); });
    return hash.empty() ? "" : token_hash(hash);
}

void Store::add_domain(const std::string& raw_domain, const std::string& raw_account) {
    const std::string domain = domain_name(raw_domain);
    const std::string account = account_name(raw_account);
    guarded("add the domain", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (impl_->stored_hash(session, account).empty()) throw StoreError("no account '" + account + "'");
        if (impl_->domain_exists(session, domain)) throw StoreError("domain '" + domain + "' already exists");
        session << impl_->sql("INSERT INTO domains(name, account, dyndns, created_ms) VALUES(?, ?, 0, ?)"), bind(domain),
            bind(account), bind(now_ms()), now;
        impl_->changed();
    });
}

std::size_t Store::add_domains(const std::vector<std::pair<std::string, std::string>>& domains, bool dyndns) {
    std::vector<std::pair<std::string, std::string>> checked;
    checked.reserve(domains.size());
    for (const auto& [raw_domain, raw_account] : domains)
        checked.emplace_back(domain_name(raw_domain), account_name(raw_account));
    std::size_t added = 0;
    guarded("import domains", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        // One transaction: one journal sync for all of them, and all or none.
        in_transaction(session, impl_->dialect, [&] {
            for (const auto& [domain, account] : checked) {
                if (impl_->stored_hash(session, account).empty()) throw StoreError("no account '" + account + "'");
                if (impl_->domain_exists(session, domain)) continue; // already there: an import may be run again
                session << impl_->sql("INSERT INTO domains(name, account, dyndns, created_ms) VALUES(?, ?, ?, ?)"), bind(domain),
                    bind(account), bind(dyndns ? 1 : 0), bind(now_ms()), now;
                ++added;
            }
        });
        impl_->changed();
    });
    return added;
}

void Store::delete_domain(const std::string& raw_domain) {
    const std::string domain = domain_name(raw_domain);
    guarded("delete the domain", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (!impl_->domain_exists(session, domain)) throw StoreError("no domain '" + domain + "'");
        // Its tokens go with it (ON DELETE CASCADE), its history here (see delete_account).
        in_transaction(session, impl_->dialect, [&] {
            session << impl_->sql("DELETE FROM history WHERE domain = ?"), bind(domain), now;
            session << impl_->sql("DELETE FROM domains WHERE name = ?"), bind(domain), now;
        });
        impl_->changed();
    });
}

void Store::set_dyndns(const std::string& raw_domain, bool enabled) {
    const std::string domain = domain_name(raw_domain);
    guarded("change the dyndns switch", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (!impl_->domain_exists(session, domain)) throw StoreError("no domain '" + domain + "'");
        session << impl_->sql("UPDATE domains SET dyndns = ? WHERE name = ?"), bind(enabled ? 1 : 0), bind(domain), now;
        impl_->changed();
    });
}

std::optional<Domain> Store::find_domain(const std::string& raw_domain) const {
    std::string domain;
    try {
        domain = domain_name(raw_domain);
    } catch (const InvalidInput&) {
        return std::nullopt;
    }
    const auto found = list_where("WHERE name = ?", domain);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<Domain> Store::list_domains(const std::optional<std::string>& account) const {
    if (!account) return list_where("", "");
    return list_where("WHERE account = ?", lower(*account));
}

std::vector<Domain> Store::list_where(const std::string& where, const std::string& value) const {
    return guarded("read the domains", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Poco::Tuple<std::string, std::string, int>> rows;
        Poco::Data::Statement select(session);
        select << impl_->sql("SELECT name, account, dyndns FROM domains " + where + " ORDER BY name"), into(rows);
        if (!where.empty()) select, bind(value);
        select.execute();
        std::vector<Domain> domains;
        for (const auto& row : rows) domains.push_back(Domain{row.get<0>(), row.get<1>(), row.get<2>() != 0});
        return domains;
    });
}

std::optional<Domain> Store::owning_domain(const std::string& raw_name) const {
    std::string name;
    try {
        name = domain_name(raw_name);
    } catch (const InvalidInput&) {
        return std::nullopt;
    }
    // The name and each of its ancestors, in one query; the longest registered one wins.
    std::vector<std::string> candidates;
    for (std::size_t from = 0; from != std::string::npos && from < name.size();) {
        candidates.push_back(name.substr(from));
        const auto dot = name.find('.', from);
        from = dot == std::string::npos ? dot : dot + 1;
    }
    std::string where = "WHERE name IN (";
    for (std::size_t i = 0; i < candidates.size(); ++i) where += i ? ", ?" : "?";
    where += ") ORDER BY length(name) DESC LIMIT 1";
    return guarded("read the domains", [&] {
        return impl_->cached(&Impl::LookupCache::owners, name, [&](Poco::Data::Session& session) {
            std::vector<Poco::Tuple<std::string, std::string, int>> rows;
            Poco::Data::Statement select(session);
            select << impl_->sql("SELECT name, account, dyndns FROM domains " + where), into(rows);
            for (const auto& candidate : candidates) select, bind(candidate);
            select.execute();
            std::optional<Domain> found;
            if (!rows.empty()) found = Domain{rows.front().get<0>(), rows.front().get<1>(), rows.front().get<2>() != 0};
            return found;
        });
    });
}

std::pair<Token, std::string> Store::create_token(const std::string& raw_name) {
    const std::string name = domain_name(raw_name);
    const auto domain = owning_domain(name);
    if (!domain) throw StoreError("'" + name + "' is not under any registered domain");
    std::string secret = new_token_secret();
    Token token{0, name, domain->name, std::chrono::system_clock::now()};
    const auto created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(token.created.time_since_epoch()).count();
    guarded("create the token", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Int64 id = 0;
        session << impl_->sql("INSERT INTO tokens(name, domain, secret_hash, created_ms) VALUES(?, ?, ?, ?) RETURNING id"),
            bind(name), bind(domain->name), bind(token_hash(secret)), bind(static_cast<Poco::Int64>(created_ms)), into(id), now;
        impl_->changed();
        token.id = id;
    });
    return {token, secret};
}

std::vector<Token> Store::tokens_where(const std::string& where, const std::vector<std::string>& values) const {
    return guarded("read the tokens", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Poco::Tuple<Poco::Int64, std::string, std::string, Poco::Int64>> rows;
        Poco::Data::Statement select(session);
        select << impl_->sql("SELECT id, name, domain, created_ms FROM tokens " + where + " ORDER BY id"), into(rows);
        for (const auto& value : values) select, bind(value);
        select.execute();
        std::vector<Token> tokens;
        for (const auto& row : rows)
            tokens.push_back(Token{row.get<0>(), row.get<1>(), row.get<2>(),
                                   std::chrono::system_clock::time_point(std::chrono::milliseconds(row.get<3>()))});
        return tokens;
    });
}

std::optional<Token> Store::verify_token(const std::string& raw_name, const std::string& secret) const {
    if (secret.empty() || secret.size() > kMaxPasswordLength) return std::nullopt;
    const auto found = tokens_where("WHERE name = ? AND secret_hash = ?", {lower(raw_name), token_hash(secret)});
    if (found.empty()) return std::nullopt;
    return found.front();
}

bool Store::has_tokens(const std::string& raw_name) const {
    const std::string name = lower(raw_name);
    return guarded("read the tokens", [&] {
        return impl_->cached(&Impl::LookupCache::token_names, name, [&](Poco::Data::Session& session) {
            int count = 0;
            session << impl_->sql("SELECT count(*) FROM tokens WHERE name = ?"), bind(name), into(count), now;
            return count > 0;
        });
    });
}

std::vector<Token> Store::list_tokens(const std::optional<std::string>& domain) const {
    if (!domain) return tokens_where("", {});
    return tokens_where("WHERE domain = ?", {lower(*domain)});
}

void Store::revoke_token(std::int64_t id) {
    guarded("revoke the token", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        int count = 0;
        session << impl_->sql("SELECT count(*) FROM tokens WHERE id = ?"), bind(static_cast<Poco::Int64>(id)), into(count), now;
        if (count == 0) throw StoreError("no token " + std::to_string(id));
        session << impl_->sql("DELETE FROM tokens WHERE id = ?"), bind(static_cast<Poco::Int64>(id)), now;
        impl_->changed();
    });
}

void Store::append_history(const std::vector<HistoryEntry>& entries) {
    if (entries.empty()) return;
    guarded("record the history", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        in_transaction(session, impl_->dialect, [&] {
            for (const HistoryEntry& entry : entries) {
                const auto time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(entry.time.time_since_epoch()).count();
                session << impl_->sql("INSERT INTO history(time_ms, name, domain, type, old_address, new_address, "
                                      "caller_address, protocol, user_agent, outcome) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    bind(static_cast<Poco::Int64>(time_ms)), bind(entry.name), bind(entry.domain), bind(entry.type),
                    bind(entry.old_address), bind(entry.new_address), bind(entry.caller_address), bind(entry.protocol),
                    bind(entry.user_agent), bind(entry.outcome), now;
            }
        });
    });
}

std::size_t Store::prune_history(std::chrono::system_clock::time_point before) {
    const auto before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(before.time_since_epoch()).count();
    return guarded("prune the history", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Data::Statement remove(session);
        remove << impl_->sql("DELETE FROM history WHERE time_ms < ?"), bind(static_cast<Poco::Int64>(before_ms));
        return remove.execute();
    });
}

std::vector<std::string> Store::updated_names(const std::string& domain, std::size_t limit) const {
    return guarded("read the history", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<std::string> names;
        // The names whose address a call published (core::published); ACME challenge rows (TXT) are not addresses.
        session << impl_->sql(
            "SELECT DISTINCT name FROM history WHERE domain = ? AND outcome IN (?, ?) AND type <> 'TXT' ORDER BY name LIMIT ?"),
            bind(lower(domain)), bind(std::string(core::outcome_name(core::HistoryOutcome::Changed))),
            bind(std::string(core::outcome_name(core::HistoryOutcome::Unchanged))), bind(static_cast<Poco::Int64>(limit)),
            into(names), now;
        return names;
    });
}

std::vector<HistoryEntry> Store::history(const std::optional<std::string>& domain, std::size_t limit, std::size_t offset) const {
    return guarded("read the history", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        using Row = Poco::Tuple<Poco::Int64, Poco::Int64, std::string, std::string, std::string, std::string, std::string,
                                std::string, std::string, std::string, std::string>;
        std::vector<Row> rows;
        Poco::Data::Statement select(session);
        select << impl_->sql("SELECT id, time_ms, name, domain, type, old_address, new_address, caller_address, protocol, "
                             "user_agent, outcome FROM history " +
                             std::string(domain ? "WHERE domain = ? " : "") + "ORDER BY id DESC LIMIT ? OFFSET ?"),
            into(rows);
        if (domain) select, bind(lower(*domain));
        select, bind(static_cast<Poco::Int64>(limit)), bind(static_cast<Poco::Int64>(offset));
        select.execute();
        std::vector<HistoryEntry> entries;
        for (const Row& row : rows) {
            HistoryEntry e;
            e.id = row.get<0>();
            e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(row.get<1>()));
            e.name = row.get<2>();
            e.domain = row.get<3>();
            e.type = row.get<4>();
            e.old_address = row.get<5>();
            e.new_address = row.get<6>();
            e.caller_address = row.get<7>();
            e.protocol = row.get<8>();
            e.user_agent = row.get<9>();
            e.outcome = row.get<10>();
            entries.push_back(std::move(e));
        }
        return entries;
    });
}

} // namespace dyndns::store
