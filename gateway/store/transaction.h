// One transaction around a piece of work, in either dialect: the one BEGIN/COMMIT/ROLLBACK of the store.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include "store/sql_dialect.h"

namespace dyndns::store {

// Runs `body` in one transaction: committed when it returns, rolled back when it throws. SQLite's
// is IMMEDIATE (the write lock taken at BEGIN, so two processes cannot both read then write).
// Statements, not Session::begin: Poco 1.11's PostgreSQL session that broke inside begin() stays
// "in a transaction" for good, and the pool reconnects broken sessions in place.
template <class F>
void in_transaction(Poco::Data::Session& session, Dialect dialect, F&& body) {
    using Poco::Data::Keywords::now;
    session << (dialect == Dialect::SQLite ? "BEGIN IMMEDIATE" : "BEGIN"), now;
    try {
        body();
        session << "COMMIT", now;
    } catch (...) {
        try {
            session << "ROLLBACK", now;
        } catch (const Poco::Exception&) {
            // The connection is gone (so is the transaction): the first failure is the one to report.
        }
        throw;
    }
}

} // namespace dyndns::store
