// Migrations of the store, oldest first, one list for both databases; never edit one that has shipped, add the next.
#include "store/store_schema.h"

#include <string>
#include <vector>

#include <Poco/Data/Session.h>

#include "store/sql_dialect.h"
#include "store/store.h"
#include "store/transaction.h"

namespace dyndns::store {
namespace {

constexpr int kReversedNamesStep = 6;

using namespace Poco::Data::Keywords;

// Each entry is one version step, one SQL statement a string, written for SQLite
// (schema_in_dialect rewrites it for PostgreSQL). Names are stored lower-case; times are Unix
// milliseconds.
const std::vector<std::vector<std::string>>& migrations() {
    static const std::vector<std::vector<std::string>> steps = {
        // 1: accounts, domains with the dyndns switch, update history.
        {
            "CREATE TABLE accounts ("
            "  name          TEXT PRIMARY KEY,"
            "  password_hash TEXT NOT NULL,"
            "  created_ms    INTEGER NOT NULL)",
            "CREATE TABLE domains ("
            "  name       TEXT PRIMARY KEY,"
            "  account    TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,"
            "  dyndns     INTEGER NOT NULL DEFAULT 0,"
            "  created_ms INTEGER NOT NULL)",
            "CREATE INDEX domains_by_account ON domains(account)",
            "CREATE TABLE history ("
            "  id             INTEGER PRIMARY KEY AUTOINCREMENT,"
            "  time_ms        INTEGER NOT NULL,"
            "  name           TEXT NOT NULL,"
            "  domain         TEXT NOT NULL,"
            "  type           TEXT NOT NULL,"
            "  old_address    TEXT NOT NULL,"
            "  new_address    TEXT NOT NULL,"
            "  caller_address TEXT NOT NULL,"
            "  protocol       TEXT NOT NULL,"
            "  user_agent     TEXT NOT NULL,"
            "  outcome        TEXT NOT NULL)",
            "CREATE INDEX history_by_domain ON history(domain, id)",
        },
        // 2: per-host tokens for dyndns2 clients; only a hash of the secret is kept.
        {
            "CREATE TABLE tokens ("
            "  id           INTEGER PRIMARY KEY AUTOINCREMENT,"
            "  name         TEXT NOT NULL,"
            "  domain       TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,"
            "  secret_hash  TEXT NOT NULL UNIQUE,"
            "  created_ms   INTEGER NOT NULL)",
            "CREATE INDEX tokens_by_name ON tokens(name)",
            "CREATE INDEX tokens_by_domain ON tokens(domain)",
        },
        // 3: calls per account and minute, for a call budget that several gateways share.
        {
            "CREATE TABLE call_counts ("
            "  account         TEXT NOT NULL,"
            "  window_start_ms INTEGER NOT NULL,"
            "  calls           INTEGER NOT NULL,"
            "  PRIMARY KEY (account, window_start_ms))",
        },
        // 4: failed logins per fixed window and the sources that logged in, for a login throttle
        // that several gateways share. scope 0: account and source; 1: source (account ''); 2:
        // account (source '').
        {
            "CREATE TABLE login_failures ("
            "  scope           INTEGER NOT NULL,"
            "  account         TEXT NOT NULL,"
            "  source          TEXT NOT NULL,"
            "  window_start_ms INTEGER NOT NULL,"
            "  failures        INTEGER NOT NULL,"
            "  PRIMARY KEY (scope, account, source))",
            "CREATE INDEX login_failures_by_window ON login_failures(window_start_ms)",
            "CREATE TABLE login_sources ("
            "  account       TEXT NOT NULL,"
            "  source        TEXT NOT NULL,"
            "  last_login_ms INTEGER NOT NULL,"
            "  PRIMARY KEY (account, source))",
            "CREATE INDEX login_sources_by_time ON login_sources(last_login_ms)",
        },
        // 5: router prefixes: hosts whose AAAA is the router's delegated prefix plus their own
        // interface identifier, a domain's fixed prefix length (0: the router's), and the prefix
        // that moved a name, in its history row.
        {
            "ALTER TABLE domains ADD COLUMN prefix_length INTEGER NOT NULL DEFAULT 0",
            "CREATE TABLE host_rules ("
            "  name       TEXT PRIMARY KEY,"
            "  domain     TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,"
            "  ipv6_rule  TEXT NOT NULL,"
            "  created_ms INTEGER NOT NULL)",
            "CREATE INDEX host_rules_by_domain ON host_rules(domain)",
            "ALTER TABLE history ADD COLUMN prefix TEXT NOT NULL DEFAULT ''",
        },
        // 6: each domain's name spelt backwards, so the domains below a name are one index range
        // (an ACME challenge's wildcard check), not a scan. Rows already there are filled in by
        // backfill_reversed_names right after this step.
        {
            "ALTER TABLE domains ADD COLUMN reversed_name TEXT COLLATE BINARY NOT NULL DEFAULT ''",
            "CREATE INDEX domains_by_reversed_name ON domains(reversed_name)",
        },
        // 7: API tokens (docs/api.md): a customer token's scope, or a provisioning token (no
        // account). Lists are space-separated; only a hash of the secret is kept.
        {
            "CREATE TABLE api_tokens ("
            "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
            "  kind        TEXT NOT NULL,"
            "  account     TEXT REFERENCES accounts(name) ON DELETE CASCADE,"
            "  label       TEXT NOT NULL,"
            "  secret_hash TEXT NOT NULL UNIQUE,"
            "  names       TEXT NOT NULL,"
            "  subtrees    TEXT NOT NULL,"
            "  kinds       INTEGER NOT NULL,"
            "  writable    INTEGER NOT NULL,"
            "  networks    TEXT NOT NULL,"
            "  expires_ms  INTEGER NOT NULL,"
            "  created_ms  INTEGER NOT NULL)",
            "CREATE INDEX api_tokens_by_account ON api_tokens(account)",
            "CREATE INDEX history_by_name ON history(name, id)", // one host's history (GET /api/v1/hosts/{name}/history)
        },
        // 8: a history row of unchanged calls is a run (docs/contract.md "History"): how many calls,
        // and when the last came. Rows already there are one call each.
        {
            "ALTER TABLE history ADD COLUMN calls INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE history ADD COLUMN last_ms INTEGER NOT NULL DEFAULT 0",
            "UPDATE history SET last_ms = time_ms",
        },
        // 9: the second factor of panel logins: an account's TOTP secret (Base32; enabled 0 while
        // it waits for its first code), the last step a code was taken at (no replay), and its
        // recovery codes as BLAKE2b hashes (used_ms 0: unused).
        {
            "CREATE TABLE account_totp ("
            "  account    TEXT PRIMARY KEY REFERENCES accounts(name) ON DELETE CASCADE,"
            "  secret     TEXT NOT NULL,"
            "  enabled    INTEGER NOT NULL,"
            "  last_step  INTEGER NOT NULL,"
            "  created_ms INTEGER NOT NULL)",
            "CREATE TABLE totp_recovery_codes ("
            "  account   TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,"
            "  code_hash TEXT NOT NULL,"
            "  used_ms   INTEGER NOT NULL,"
            "  PRIMARY KEY (account, code_hash))",
        },
        // 10: webhooks (docs/webhooks.md) and their delivery queue. The secret is kept as it is:
        // every delivery is signed with it. claimed_until_ms: a delivery being sent by a gateway.
        {
            "CREATE TABLE webhooks ("
            "  id         INTEGER PRIMARY KEY AUTOINCREMENT,"
            "  account    TEXT NOT NULL REFERENCES accounts(name) ON DELETE CASCADE,"
            "  domain     TEXT REFERENCES domains(name) ON DELETE CASCADE,"
            "  url        TEXT NOT NULL,"
            "  secret     TEXT NOT NULL,"
            "  created_ms INTEGER NOT NULL)",
            "CREATE INDEX webhooks_by_account ON webhooks(account)",
            "CREATE TABLE webhook_deliveries ("
            "  id               INTEGER PRIMARY KEY AUTOINCREMENT,"
            "  webhook          INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,"
            "  event_id         TEXT NOT NULL,"
            "  body             TEXT NOT NULL,"
            "  status           TEXT NOT NULL,"
            "  attempts         INTEGER NOT NULL DEFAULT 0,"
            "  created_ms       INTEGER NOT NULL,"
            "  next_attempt_ms  INTEGER NOT NULL,"
            "  claimed_until_ms INTEGER NOT NULL DEFAULT 0,"
            "  last_status_code INTEGER NOT NULL DEFAULT 0,"
            "  last_error       TEXT NOT NULL DEFAULT '')",
            "CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_ms)",
            "CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries(webhook, id)",
        },
    };
    return steps;
}

int sqlite_version(Poco::Data::Session& session) {
    int version = 0;
    session << "PRAGMA user_version", into(version), now;
    return version;
}

void check_not_newer(int found) {
    if (found > schema_version())
        throw StoreError("the store's schema version " + std::to_string(found) + " is newer than this program's (" +
                         std::to_string(schema_version()) + "); refusing to use it");
}

// Step 6's rows: a name backwards is not something SQL can spell in both databases.
void backfill_reversed_names(Poco::Data::Session& session, Dialect dialect) {
    std::vector<std::string> names;
    session << in_dialect(dialect, "SELECT name FROM domains WHERE reversed_name = ''"), into(names), now;
    for (const std::string& name : names)
        session << in_dialect(dialect, "UPDATE domains SET reversed_name = ? WHERE name = ?"), bind(reversed_name(name)),
            bind(name), now;
}

void apply(Poco::Data::Session& session, Dialect dialect, int version) {
    for (const std::string& statement : migrations()[static_cast<std::size_t>(version)])
        session << schema_in_dialect(dialect, statement), now;
    if (version + 1 == kReversedNamesStep) backfill_reversed_names(session, dialect);
}

// SQLite: PRAGMA user_version counts the steps; BEGIN IMMEDIATE keeps a second process out.
void migrate_sqlite(Poco::Data::Session& session) {
    if (sqlite_version(session) == schema_version()) return;
    in_transaction(session, Dialect::SQLite, [&] {
        const int found = sqlite_version(session); // again: another process may have migrated meanwhile
        check_not_newer(found);
        for (int version = found; version < schema_version(); ++version) {
            apply(session, Dialect::SQLite, version);
            session << "PRAGMA user_version = " + std::to_string(version + 1), now;
        }
    });
}

// Any 64-bit number of our own: the advisory lock that lets one gateway at a time migrate.
constexpr Poco::Int64 kMigrationLock = 0x64796e646e73; // "dyndns"

// PostgreSQL: a one-row table counts the steps. DDL is transactional there, and the advisory
// lock (released at COMMIT) makes gateways that start together wait for the first, then find
// nothing left to do.
void migrate_postgresql(Poco::Data::Session& session) {
    in_transaction(session, Dialect::PostgreSQL, [&] {
        std::string ignored;
        session << "SELECT pg_advisory_xact_lock($1)::text", bind(kMigrationLock), into(ignored), now;
        session << "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)", now;
        int found = 0;
        session << "SELECT COALESCE(MAX(version), 0) FROM schema_version", into(found), now;
        check_not_newer(found);
        if (found == schema_version()) return;
        for (int version = found; version < schema_version(); ++version) apply(session, Dialect::PostgreSQL, version);
        session << "DELETE FROM schema_version", now;
        session << "INSERT INTO schema_version(version) VALUES($1)", bind(schema_version()), now;
    });
}

} // namespace

std::string reversed_name(const std::string& name) { return std::string(name.rbegin(), name.rend()); }

int schema_version() { return static_cast<int>(migrations().size()); }

void migrate(Poco::Data::Session& session, Dialect dialect) {
    if (dialect == Dialect::SQLite) {
        migrate_sqlite(session);
    } else {
        migrate_postgresql(session);
    }
}

} // namespace dyndns::store
