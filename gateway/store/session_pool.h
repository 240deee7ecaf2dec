// A bounded pool of database sessions: callers wait a bounded time for one, broken ones are reconnected, and a database that is down is not dialled on every call.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

#include <Poco/Data/Session.h>

namespace dyndns::store {

class SessionPool {
public:
    struct Settings {
        std::size_t max_sessions = 1;
        // How long lease() waits for a session in use by another thread.
        std::chrono::milliseconds wait{5000};
        // After a failed open, lease() answers with that failure without dialling again for this long.
        std::chrono::milliseconds retry_after{500};
        // Close a session whose lease ended with an exception (a PostgreSQL connection may be dead
        // or mid-transaction); SQLite's one connection is kept.
        bool close_after_error = true;
    };
    // `open` makes a ready session (connected, configured) or throws. `reconnect` makes a session
    // whose connection broke ready again, in place, or throws; without it a broken session is
    // dropped. `what` names the database for messages ("PostgreSQL host=… dbname=…").
    SessionPool(std::function<Poco::Data::Session()> open, std::function<void(Poco::Data::Session&)> reconnect, std::string what,
                Settings settings);
    ~SessionPool();
    SessionPool(const SessionPool&) = delete;
    SessionPool& operator=(const SessionPool&) = delete;

    // One session for one thread, returned to the pool when the lease ends; closed instead when
    // the lease ends by an exception (see close_after_error), kept for reconnect when its
    // connection broke.
    class Lease {
    public:
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        Poco::Data::Session& session() { return *session_; }

    private:
        friend class SessionPool;
        Lease(SessionPool* pool, std::unique_ptr<Poco::Data::Session> session);
        SessionPool* pool_;
        std::unique_ptr<Poco::Data::Session> session_;
        int exceptions_at_start_;
    };

    // Throws DatabaseError when no session frees up within the wait, or none can be opened.
    Lease lease();
    // A session that is open and idle now, or nothing: never waits, opens or reconnects (the
    // event loop's quick check of SQLite's data_version).
    std::optional<Lease> try_lease();

private:
    void give_back(std::unique_ptr<Poco::Data::Session> session, bool failed);

    std::function<Poco::Data::Session()> open_;
    std::function<void(Poco::Data::Session&)> reconnect_;
    std::string what_;
    Settings settings_;
    std::mutex mutex_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<Poco::Data::Session>> idle_;
    // Sessions whose connection broke, kept to be reconnected in place: Poco 1.11 frees the libpq
    // connection of a session only while it is connected, so closing them would leak each.
    std::vector<std::unique_ptr<Poco::Data::Session>> broken_;
    std::size_t open_count_ = 0; // idle, broken and leased, and those being opened
    std::chrono::steady_clock::time_point failed_at_{};
    std::string last_failure_;
};

} // namespace dyndns::store
