// A libpq connection string, read by libpq itself: what Poco's connector is given (with the store's timeouts) and what may be logged.
#pragma once

#include <string>

namespace dyndns::store {

struct PostgresTarget {
    // key=value pairs separated by single spaces, as Poco's connector splits them, with
    // connect_timeout, tcp_user_timeout and keepalive timing added where the operator set none.
    std::string connection;
    // host, port and database: for logs and messages. Never the password.
    std::string description;
};

// `conninfo` as the operator wrote it: key=value pairs or a postgresql:// URI (libpq parses
// both). Throws StoreError, whose message holds no part of `conninfo`, when libpq cannot parse
// it or a value holds whitespace (Poco's connector splits the string at spaces).
PostgresTarget postgres_target(const std::string& conninfo);

// True when a server answers at `connection` (libpq's PQping: no login, nothing left allocated).
bool postgres_answers(const std::string& connection);

} // namespace dyndns::store
