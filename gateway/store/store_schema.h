// The store's schema as an ordered list of migrations, applied once each (PRAGMA user_version counts them).
#pragma once

namespace Poco::Data {
class Session;
}

namespace dyndns::store {

// Brings the database up to the newest schema inside one IMMEDIATE transaction, so two processes
// opening a new file at once cannot both migrate it. Throws StoreError when the file is newer than
// this program (a downgrade would silently lose data).
void migrate(Poco::Data::Session& session);

// The schema version this program writes.
int schema_version();

} // namespace dyndns::store
