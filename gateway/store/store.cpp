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

#include "vocabulary/history_outcome.h"
#include "vocabulary/names.h"
#include "store/password_check.h"
#include "store/password_hash.h"
#include "store/postgres_conninfo.h"
#include "store/session_pool.h"
#include "store/sql_dialect.h"
#include "store/store_schema.h"
#include "store/transaction.h"
#include "store/store_impl.h"

namespace dyndns::store {
namespace {

// How long a writer waits for another process's transaction before giving up.
constexpr std::size_t kBusyTimeoutSeconds = 5;

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

std::string one_line(std::string text) {
    constexpr std::size_t kMaxBytes = 400;
    // Poco's PostgreSQL connector quotes the whole connection string in "Not connected to data
    // source: …", password included: the message keeps what it says before it.
    if (const auto quoted = text.find("data source:"); quoted != std::string::npos)
        text = text.substr(0, quoted) + "data source (connection string not shown)";
    for (const char* secret : {"password=", "password ="})
        if (const auto at = text.find(secret); at != std::string::npos)
            text = text.substr(0, at) + "(connection details not shown)";
    std::replace_if(
        text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }, ' ');
    if (text.size() > kMaxBytes) text = text.substr(0, kMaxBytes) + "...";
    return text;
}

std::string account_name(const std::string& raw) {
    std::string name = lower(raw);
    const bool valid = !name.empty() && name.size() <= core::kMaxAccountLength &&
                       std::all_of(name.begin(), name.end(),
                                   [](unsigned char c) { return std::isalnum(c) || c == '.' || c == '_' || c == '-'; });
    if (!valid) throw InvalidInput("an account name is 1 to 64 characters of a-z, 0-9, '.', '_' and '-'");
    return name;
}

void check_password(const std::string& password) {
    if (password.empty() || password.size() > core::kMaxPasswordLength) throw InvalidInput("a password is 1 to 1024 bytes");
}

std::string domain_name(const std::string& raw) {
    auto name = core::host_name(raw);
    if (!name)
        throw InvalidInput("'" + raw.substr(0, 80) +
                           "' is not a domain name (letters, digits, hyphens; labels of 1 to 63 that neither start nor end "
                           "with a hyphen)");
    return std::move(*name);
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
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

} // namespace dyndns::store
