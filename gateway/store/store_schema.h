// The store's schema as an ordered list of migrations, applied once each (SQLite's PRAGMA user_version or PostgreSQL's schema_version table counts them).
#pragma once

#include <string>

#include "store/sql_dialect.h"

namespace Poco::Data {
class Session;
}

namespace dyndns::store {

// Brings the database up to the newest schema inside one transaction that only one process at a
// time may hold (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock), so gateways opening a new
// database at once cannot both migrate it. Throws StoreError when the database is newer than this
// program (a downgrade would silently lose data).
void migrate(Poco::Data::Session& session, Dialect dialect);

// The schema version this program writes.
int schema_version();

// What domains.reversed_name holds for `name` (lower-case, no trailing dot): its characters
// backwards, so the names below it ("*.name") are the ones whose reversed form starts with
// reversed_name(name) + ".".
std::string reversed_name(const std::string& name);

} // namespace dyndns::store
