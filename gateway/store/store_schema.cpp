// Migrations of the store, oldest first; never edit one that has shipped, add the next.
#include "store/store_schema.h"

#include <string>
#include <vector>

#include <Poco/Data/Session.h>

#include "store/store.h"
#include "store/transaction.h"

namespace dyndns::store {
namespace {

using namespace Poco::Data::Keywords;

// Each entry is one version step, one SQL statement a string. Names are stored lower-case;
// times are Unix milliseconds.
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
    };
    return steps;
}

int current_version(Poco::Data::Session& session) {
    int version = 0;
    session << "PRAGMA user_version", into(version), now;
    return version;
}

} // namespace

int schema_version() { return static_cast<int>(migrations().size()); }

void migrate(Poco::Data::Session& session) {
    if (current_version(session) == schema_version()) return;
    in_transaction(session, [&] {
        const int found = current_version(session); // again: another process may have migrated meanwhile
        if (found > schema_version())
            throw StoreError("the store's schema version " + std::to_string(found) + " is newer than this program's (" +
                             std::to_string(schema_version()) + "); refusing to use it");
        for (int version = found; version < schema_version(); ++version) {
            for (const std::string& statement : migrations()[static_cast<std::size_t>(version)]) session << statement, now;
            session << "PRAGMA user_version = " + std::to_string(version + 1), now;
        }
    });
}

} // namespace dyndns::store
