// The core tests' one stack: a real store (SQLite in a temp dir, or a new PostgreSQL database), an RFC 2136 client to the shared named (or another transport), an update core over both.
#pragma once

#include <memory>
#include <string>

#include "core/update_core.h"
#include "store/store.h"
#include "support/local_bind.h"
#ifdef DYNDNS_TEST_POSTGRESQL
#include "support/local_postgres.h"
#endif
#include "support/temp_dir.h"

namespace dyndns::test {

// Account alice (password "alice-password") owns example.test, the zone the shared named serves,
// with dyndns on. Header-only: only tests linking dyndns_core include it. A test program built
// with DYNDNS_TEST_POSTGRESQL runs on a new database of the program's PostgreSQL.
struct CoreStack {
    TempDir dir;
    std::string postgresql; // the database's connection string when the store is PostgreSQL
    std::unique_ptr<store::Store> db;
    std::unique_ptr<dns::Rfc2136Client> dns;
    std::unique_ptr<core::UpdateCore> core;

    // `client.key` is set to the shared named's key; `transport` nothing: TCP to the shared named.
    CoreStack(const std::string& prefix, core::CoreSettings settings, dns::ClientSettings client,
              std::shared_ptr<dns::DnsTransport> transport = nullptr)
        : dir(prefix) {
#ifdef DYNDNS_TEST_POSTGRESQL
        postgresql = shared_postgres().new_database();
#endif
        db = std::make_unique<store::Store>(store::Location{dir.file("gateway.sqlite"), postgresql, 8});
        db->add_account("alice", "alice-password");
        db->add_domain("example.test", "alice");
        db->set_dyndns("example.test", true);
        if (!transport) transport = std::make_shared<dns::TcpTransport>("127.0.0.1", shared_bind().port());
        client.key = shared_bind().key();
        dns = std::make_unique<dns::Rfc2136Client>(std::move(client), std::move(transport));
        core = std::make_unique<core::UpdateCore>(std::move(settings), *db, *dns);
    }
    ~CoreStack() { core.reset(); } // its history writer drains into the store before the store goes
    CoreStack(const CoreStack&) = delete;
    CoreStack& operator=(const CoreStack&) = delete;
};

} // namespace dyndns::test
