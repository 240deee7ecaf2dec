// One IMMEDIATE SQLite transaction around a piece of work: the one BEGIN/COMMIT/ROLLBACK of the store.
#pragma once

#include <Poco/Data/Session.h>

namespace dyndns::store {

// Runs `body` in one IMMEDIATE transaction (the write lock taken at BEGIN, so two processes
// cannot both read then write): committed when it returns, rolled back when it throws.
template <class F>
void in_transaction(Poco::Data::Session& session, F&& body) {
    using Poco::Data::Keywords::now;
    session << "BEGIN IMMEDIATE", now;
    try {
        body();
        session << "COMMIT", now;
    } catch (...) {
        session << "ROLLBACK", now;
        throw;
    }
}

} // namespace dyndns::store
