// The configured store as a store::Location, and its description without the connection string's secrets.
#include "app/store_location.h"

#include "store/postgres_conninfo.h"

namespace dyndns::app {

store::Location store_location(const config::StoreConfig& store, std::size_t sessions) {
    return store::Location{store.path, store.postgresql, sessions};
}

std::string store_description(const config::StoreConfig& store) {
    if (store.postgresql.empty()) return "SQLite " + store.path;
    try {
        return "PostgreSQL " + store::postgres_target(store.postgresql).description;
    } catch (const store::StoreError& e) {
        return e.what();
    }
}

} // namespace dyndns::app
