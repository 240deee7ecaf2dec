// The SQLite store: one connection behind a mutex, WAL so the gateway and dyndnsctl share the file, names validated on the way in; password checks are PasswordCheck's.
#include "store/store.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Tuple.h>

#include "core/history_outcome.h"
#include "core/names.h"
#include "store/password_check.h"
#include "store/password_hash.h"
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
                       std::all_of(name.begin(), name.end(), [](unsigned char c) {
                           return std::isalnum(c) || c == '.' || c == '_' || c == '-';
                       });
    if (!valid) throw InvalidInput("an account name is 1 to 64 characters of a-z, 0-9, '.', '_' and '-'");
    return name;
}

void check_password(const std::string& password) {
    if (password.empty() || password.size() > kMaxPasswordLength)
        throw InvalidInput("a password is 1 to 1024 bytes");
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
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::fchmod(fd, 0600); // whatever the umask left
        ::close(fd);
    }
    // EEXIST: an existing store keeps the mode its operator chose. Anything else: SQLite's open
    // reports it with its own words.
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

struct Store::Impl {
    std::mutex mutex; // one connection; SQLite serialises writers anyway
    Poco::Data::Session session;
    PasswordCheck passwords; // authentication: the verification cache and the per-account argon2 gates

    explicit Impl(const std::string& path) : session(open(path)) {
        session.setConnectionTimeout(kBusyTimeoutSeconds); // sqlite3_busy_timeout: wait for the other process
        session << "PRAGMA journal_mode=WAL", now;
        session << "PRAGMA synchronous=NORMAL", now; // WAL makes this durable up to the last checkpoint, and fast
        session << "PRAGMA foreign_keys=ON", now;
        migrate(session);
    }

    static Poco::Data::Session open(const std::string& path) {
        create_private(path);
        static std::once_flag registered;
        std::call_once(registered, [] { Poco::Data::SQLite::Connector::registerConnector(); });
        return Poco::Data::Session(Poco::Data::SQLite::Connector::KEY, path);
    }

    // What every call looks up (a password hash, the domain owning a name, whether a name has
    // tokens), answered from memory while the database is unchanged. Changes through this
    // connection clear it at once; changes by another process (dyndnsctl) show in PRAGMA
    // data_version, checked at most once a millisecond, so they take effect on the next call.
    struct LookupCache {
        std::int64_t version = -1;
        std::chrono::steady_clock::time_point checked{};
        std::unordered_map<std::string, std::string> hashes;
        std::unordered_map<std::string, std::optional<Domain>> owners;
        std::unordered_map<std::string, bool> token_names;
        void clear() {
            hashes.clear();
            owners.clear();
            token_names.clear();
        }
    } cache;
    static constexpr std::size_t kMaxCached = 100000;

    // Call with `mutex` held, before answering from the cache.
    void validate_cache() {
        const auto now_time = std::chrono::steady_clock::now();
        if (now_time - cache.checked < std::chrono::milliseconds(1)) return;
        cache.checked = now_time;
        std::int64_t version = 0;
        session << "PRAGMA data_version", into(version), now;
        if (version != cache.version || cache.hashes.size() + cache.owners.size() + cache.token_names.size() > kMaxCached) {
            cache.clear();
            cache.version = version;
        }
    }
    // Runs `body` in one IMMEDIATE transaction; call with `mutex` held.
    template <class F>
    void in_transaction(F&& body) {
        store::in_transaction(session, std::forward<F>(body));
    }

    // Call with `mutex` held after any change made through this connection.
    void changed() {
        cache.clear();
        cache.checked = {};
    }

    std::string cached_hash(const std::string& account) {
        validate_cache();
        if (const auto it = cache.hashes.find(account); it != cache.hashes.end()) return it->second;
        return cache.hashes[account] = stored_hash(account);
    }

    std::string stored_hash(const std::string& account) {
        std::vector<std::string> hashes;
        session << "SELECT password_hash FROM accounts WHERE name = ?", bind(account), into(hashes), now;
        return hashes.empty() ? "" : hashes.front();
    }

    bool domain_exists(const std::string& domain) {
        int count = 0;
        session << "SELECT count(*) FROM domains WHERE name = ?", bind(domain), into(count), now;
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
        throw DatabaseError(std::string("store: cannot ") + doing + ": " + e.displayText());
    }
}

Store::Store(const std::string& path) {
    guarded("open the database", [&] {
        impl_ = std::make_unique<Impl>(path);
        return 0;
    });
}

Store::~Store() = default;

void Store::add_account(const std::string& raw_account, const std::string& password) {
    const std::string account = account_name(raw_account);
    check_password(password);
    std::string hash = hash_password(password); // slow: outside the lock
    guarded("add the account", [&] {
        std::lock_guard lock(impl_->mutex);
        if (!impl_->stored_hash(account).empty()) throw StoreError("account '" + account + "' already exists");
        impl_->session << "INSERT INTO accounts(name, password_hash, created_ms) VALUES(?, ?, ?)", bind(account), bind(hash),
            bind(now_ms()), now;
        impl_->changed();
    });
}

void Store::set_password(const std::string& raw_account, const std::string& password) {
    const std::string account = account_name(raw_account);
    check_password(password);
    std::string hash = hash_password(password);
    guarded("change the password", [&] {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stored_hash(account).empty()) throw StoreError("no account '" + account + "'");
        impl_->session << "UPDATE accounts SET password_hash = ? WHERE name = ?", bind(hash), bind(account), now;
        impl_->changed();
    });
    impl_->passwords.forget(account);
}

void Store::delete_account(const std::string& raw_account) {
    const std::string account = account_name(raw_account);
    guarded("delete the account", [&] {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stored_hash(account).empty()) throw StoreError("no account '" + account + "'");
        // The domains go with the account (ON DELETE CASCADE), their tokens with them, and their
        // history here: a domain given to another customer later must not show this one's calls.
        impl_->in_transaction([&] {
            impl_->session << "DELETE FROM history WHERE domain IN (SELECT name FROM domains WHERE account = ?)",
                bind(account), now;
            impl_->session << "DELETE FROM accounts WHERE name = ?", bind(account), now;
        });
        impl_->changed();
    });
    impl_->passwords.forget(account);
}

std::vector<std::string> Store::list_accounts() const {
    return guarded("list the accounts", [&] {
        std::lock_guard lock(impl_->mutex);
        std::vector<std::string> names;
        impl_->session << "SELECT name FROM accounts ORDER BY name", into(names), now;
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
        std::lock_guard lock(impl_->mutex);
        return !impl_->stored_hash(account).empty();
    });
}

bool Store::verify_password(const std::string& raw_account, const std::string& password) {
    std::string account;
    std::string hash;
    try {
        account = account_name(raw_account);
        hash = guarded("look up the account", [&] {
            std::lock_guard lock(impl_->mutex);
            return impl_->cached_hash(account);
        });
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
    const std::string hash = guarded("look up the account", [&] {
        std::lock_guard lock(impl_->mutex);
        return impl_->cached_hash(account);
    });
    return hash.empty() ? "" : token_hash(hash);
}

void Store::add_domain(const std::string& raw_domain, const std::string& raw_account) {
    const std::string domain = domain_name(raw_domain);
    const std::string account = account_name(raw_account);
    guarded("add the domain", [&] {
        std::lock_guard lock(impl_->mutex);
        if (impl_->stored_hash(account).empty()) throw StoreError("no account '" + account + "'");
        if (impl_->domain_exists(domain)) throw StoreError("domain '" + domain + "' already exists");
        impl_->session << "INSERT INTO domains(name, account, dyndns, created_ms) VALUES(?, ?, 0, ?)", bind(domain),
            bind(account), bind(now_ms()), now;
        impl_->changed();
    });
}

std::size_t Store::add_domains(const std::vector<std::pair<std::string, std::string>>& domains, bool dyndns) {
    std::vector<std::pair<std::string, std::string>> checked;
    checked.reserve(domains.size());
    for (const auto& [raw_domain, raw_account] : domains) checked.emplace_back(domain_name(raw_domain), account_name(raw_account));
    std::size_t added = 0;
    guarded("import domains", [&] {
        std::lock_guard lock(impl_->mutex);
        // One transaction: one journal sync for all of them, and all or none.
        impl_->in_transaction([&] {
            for (const auto& [domain, account] : checked) {
                if (impl_->stored_hash(account).empty()) throw StoreError("no account '" + account + "'");
                if (impl_->domain_exists(domain)) continue; // already there: an import may be run again
                impl_->session << "INSERT INTO domains(name, account, dyndns, created_ms) VALUES(?, ?, ?, ?)", bind(domain),
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
        std::lock_guard lock(impl_->mutex);
        if (!impl_->domain_exists(domain)) throw StoreError("no domain '" + domain + "'");
        // Its tokens go with it (ON DELETE CASCADE), its history here (see delete_account).
        impl_->in_transaction([&] {
            impl_->session << "DELETE FROM history WHERE domain = ?", bind(domain), now;
            impl_->session << "DELETE FROM domains WHERE name = ?", bind(domain), now;
        });
        impl_->changed();
    });
}

void Store::set_dyndns(const std::string& raw_domain, bool enabled) {
    const std::string domain = domain_name(raw_domain);
    guarded("change the dyndns switch", [&] {
        std::lock_guard lock(impl_->mutex);
        if (!impl_->domain_exists(domain)) throw StoreError("no domain '" + domain + "'");
        impl_->session << "UPDATE domains SET dyndns = ? WHERE name = ?", bind(enabled ? 1 : 0), bind(domain), now;
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
        std::lock_guard lock(impl_->mutex);
        std::vector<Poco::Tuple<std::string, std::string, int>> rows;
        Poco::Data::Statement select(impl_->session);
        select << "SELECT name, account, dyndns FROM domains " + where + " ORDER BY name", into(rows);
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
    return guarded("read the domains", [&]() -> std::optional<Domain> {
        std::lock_guard lock(impl_->mutex);
        impl_->validate_cache();
        if (const auto it = impl_->cache.owners.find(name); it != impl_->cache.owners.end()) return it->second;
        std::vector<Poco::Tuple<std::string, std::string, int>> rows;
        Poco::Data::Statement select(impl_->session);
        select << "SELECT name, account, dyndns FROM domains " + where, into(rows);
        for (const auto& candidate : candidates) select, bind(candidate);
        select.execute();
        // Cached only once the query has answered: a failed one must not read as "no such domain".
        std::optional<Domain> found;
        if (!rows.empty()) found = Domain{rows.front().get<0>(), rows.front().get<1>(), rows.front().get<2>() != 0};
        return impl_->cache.owners[name] = found;
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
        std::lock_guard lock(impl_->mutex);
        impl_->session << "INSERT INTO tokens(name, domain, secret_hash, created_ms) VALUES(?, ?, ?, ?)", bind(name),
            bind(domain->name), bind(token_hash(secret)), bind(static_cast<Poco::Int64>(created_ms)), now;
        impl_->changed();
        Poco::Int64 id = 0;
        impl_->session << "SELECT last_insert_rowid()", into(id), now;
        token.id = id;
    });
    return {token, secret};
}

std::vector<Token> Store::tokens_where(const std::string& where, const std::vector<std::string>& values) const {
    return guarded("read the tokens", [&] {
        std::lock_guard lock(impl_->mutex);
        std::vector<Poco::Tuple<Poco::Int64, std::string, std::string, Poco::Int64>> rows;
        Poco::Data::Statement select(impl_->session);
        select << "SELECT id, name, domain, created_ms FROM tokens " + where + " ORDER BY id", into(rows);
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
        std::lock_guard lock(impl_->mutex);
        impl_->validate_cache();
        if (const auto it = impl_->cache.token_names.find(name); it != impl_->cache.token_names.end()) return it->second;
        int count = 0;
        impl_->session << "SELECT count(*) FROM tokens WHERE name = ?", bind(name), into(count), now;
        return impl_->cache.token_names[name] = count > 0;
    });
}

std::vector<Token> Store::list_tokens(const std::optional<std::string>& domain) const {
    if (!domain) return tokens_where("", {});
    return tokens_where("WHERE domain = ?", {lower(*domain)});
}

void Store::revoke_token(std::int64_t id) {
    guarded("revoke the token", [&] {
        std::lock_guard lock(impl_->mutex);
        int count = 0;
        impl_->session << "SELECT count(*) FROM tokens WHERE id = ?", bind(static_cast<Poco::Int64>(id)), into(count), now;
        if (count == 0) throw StoreError("no token " + std::to_string(id));
        impl_->session << "DELETE FROM tokens WHERE id = ?", bind(static_cast<Poco::Int64>(id)), now;
        impl_->changed();
    });
}

void Store::append_history(const std::vector<HistoryEntry>& entries) {
    if (entries.empty()) return;
    guarded("record the history", [&] {
        std::lock_guard lock(impl_->mutex);
        impl_->in_transaction([&] {
            for (const HistoryEntry& entry : entries) {
                const auto time_ms =
                    std::chrono::duration_cast<std::chrono::milliseconds>(entry.time.time_since_epoch()).count();
                impl_->session << "INSERT INTO history(time_ms, name, domain, type, old_address, new_address, "
                                  "caller_address, protocol, user_agent, outcome) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        std::lock_guard lock(impl_->mutex);
        Poco::Data::Statement remove(impl_->session);
        remove << "DELETE FROM history WHERE time_ms < ?", bind(static_cast<Poco::Int64>(before_ms));
        return remove.execute();
    });
}

std::vector<std::string> Store::updated_names(const std::string& domain, std::size_t limit) const {
    return guarded("read the history", [&] {
        std::lock_guard lock(impl_->mutex);
        std::vector<std::string> names;
        // The names whose address a call published (core::published); ACME challenge rows (TXT) are not addresses.
        impl_->session << "SELECT DISTINCT name FROM history WHERE domain = ? AND outcome IN (?, ?) AND type <> 'TXT' ORDER BY name LIMIT ?",
            bind(lower(domain)), bind(std::string(core::outcome_name(core::HistoryOutcome::Changed))),
            bind(std::string(core::outcome_name(core::HistoryOutcome::Unchanged))), bind(static_cast<Poco::Int64>(limit)),
            into(names), now;
        return names;
    });
}

std::vector<HistoryEntry> Store::history(const std::optional<std::string>& domain, std::size_t limit, std::size_t offset) const {
    return guarded("read the history", [&] {
        std::lock_guard lock(impl_->mutex);
        using Row = Poco::Tuple<Poco::Int64, Poco::Int64, std::string, std::string, std::string, std::string, std::string,
                                std::string, std::string, std::string, std::string>;
        std::vector<Row> rows;
        Poco::Data::Statement select(impl_->session);
        select << "SELECT id, time_ms, name, domain, type, old_address, new_address, caller_address, protocol, user_agent, "
                  "outcome FROM history " +
                      std::string(domain ? "WHERE domain = ? " : "") + "ORDER BY id DESC LIMIT ? OFFSET ?",
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
