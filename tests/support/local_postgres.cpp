// Drives scripts/lib/local-postgres (the one place that knows how to run PostgreSQL as its own user) and makes databases with libpq.
#include "support/local_postgres.h"

#include <memory>
#include <stdexcept>

#include <libpq-fe.h>

#include "support/free_port.h"
#include "support/process.h"

namespace dyndns::test {
namespace {

const std::string kScript = std::string(DYNDNS_SOURCE_DIR) + "/scripts/lib/local-postgres";

void run_script(const std::vector<std::string>& args) {
    const auto result = run_process(kScript, args);
    if (result.exit_code != 0) throw std::runtime_error("local-postgres " + args.front() + " failed: " + result.output);
}

template <auto F>
struct Free {
    template <class T>
    void operator()(T* p) const noexcept {
        F(p);
    }
};

} // namespace

LocalPostgres::LocalPostgres() : temp_("postgres-test"), dir_(temp_.file("pg")), port_(free_loopback_port()) { start(); }

LocalPostgres::~LocalPostgres() {
    try {
        stop();
    } catch (const std::exception&) {
        // Nothing more to do from a destructor: the directory goes anyway.
    }
}

std::string LocalPostgres::connection(const std::string& name) const {
    return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=" + name;
}

std::string LocalPostgres::new_database() {
    const std::string name = "test" + std::to_string(++databases_);
    std::unique_ptr<PGconn, Free<&PQfinish>> conn(PQconnectdb(connection().c_str()));
    if (PQstatus(conn.get()) != CONNECTION_OK)
        throw std::runtime_error(std::string("cannot connect to the test PostgreSQL: ") + PQerrorMessage(conn.get()));
    std::unique_ptr<PGresult, Free<&PQclear>> result(PQexec(conn.get(), ("CREATE DATABASE " + name).c_str()));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK)
        throw std::runtime_error("CREATE DATABASE " + name + ": " + PQerrorMessage(conn.get()));
    return connection(name);
}

void LocalPostgres::stop() { run_script({"stop", dir_}); }

void LocalPostgres::start() { run_script({"start", dir_, std::to_string(port_)}); }

LocalPostgres& shared_postgres() {
    static LocalPostgres server;
    return server;
}

} // namespace dyndns::test
