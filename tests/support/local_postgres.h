// A real PostgreSQL server on loopback in a temp dir (via scripts/lib/local-postgres), and fresh databases in it.
#pragma once

#include <cstdint>
#include <string>

#include "support/temp_dir.h"

namespace dyndns::test {

class LocalPostgres {
public:
    // Starts the server at a free port; throws with its log when it cannot (a missing PostgreSQL
    // fails the test, it never skips it).
    LocalPostgres();
    ~LocalPostgres(); // stops the server and removes the directory
    LocalPostgres(const LocalPostgres&) = delete;
    LocalPostgres& operator=(const LocalPostgres&) = delete;

    std::uint16_t port() const { return port_; }
    // The libpq connection string of database `name` on this server.
    std::string connection(const std::string& name = "postgres") const;
    // A new, empty database; returns its connection string.
    std::string new_database();
    // A fast shutdown (sessions cut) and a start again on the same port with the same data:
    // a database outage as the gateway sees it.
    void stop();
    void start();

private:
    TempDir temp_;
    std::string dir_;
    std::uint16_t port_ = 0;
    int databases_ = 0;
};

// One server for the whole test program, started on first use.
LocalPostgres& shared_postgres();

} // namespace dyndns::test
