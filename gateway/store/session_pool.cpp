// The session pool: waits are bounded, a failure closes the session that met it, and a failed open is remembered for a moment.
#include "store/session_pool.h"
#include "vocabulary/no_wait.h"

#include <algorithm>
#include <exception>

#include <Poco/Exception.h>

#include "store/store.h"

namespace dyndns::store {

SessionPool::SessionPool(std::function<Poco::Data::Session()> open, std::function<void(Poco::Data::Session&)> reconnect,
                         std::string what, Settings settings)
    : open_(std::move(open)), reconnect_(std::move(reconnect)), what_(std::move(what)), settings_(settings) {}

SessionPool::~SessionPool() {
    // A broken session reconnected now can be closed for good; one that cannot is left as it is.
    for (auto& session : broken_) {
        try {
            reconnect_(*session);
            session->close();
        } catch (const std::exception&) {
            // The database is still away at shutdown: nothing more to do.
        }
    }
}

SessionPool::Lease::Lease(SessionPool* pool, std::unique_ptr<Poco::Data::Session> session)
    : pool_(pool), session_(std::move(session)), exceptions_at_start_(std::uncaught_exceptions()) {}

SessionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), session_(std::move(other.session_)), exceptions_at_start_(other.exceptions_at_start_) {
    other.pool_ = nullptr;
}

SessionPool::Lease::~Lease() {
    if (pool_ && session_) pool_->give_back(std::move(session_), std::uncaught_exceptions() > exceptions_at_start_);
}

SessionPool::Lease SessionPool::lease() {
    core::may_wait(); // every database access goes through here
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + settings_.wait;
    for (;;) {
        if (!idle_.empty()) {
            auto session = std::move(idle_.back());
            idle_.pop_back();
            return Lease(this, std::move(session));
        }
        if (!broken_.empty() || open_count_ < settings_.max_sessions) break;
        if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && broken_.empty() &&
            open_count_ >= settings_.max_sessions)
            throw DatabaseError("store: cannot get a session to " + what_ + ": all " + std::to_string(settings_.max_sessions) +
                                " busy for " + std::to_string(settings_.wait.count()) + " ms");
    }
    // A database that just refused is not dialled again by every waiting call: each would wait
    // out its own connect timeout.
    if (failed_at_ != std::chrono::steady_clock::time_point{} &&
        std::chrono::steady_clock::now() - failed_at_ < settings_.retry_after)
        throw DatabaseError(last_failure_);
    std::unique_ptr<Poco::Data::Session> session;
    if (!broken_.empty()) {
        session = std::move(broken_.back());
        broken_.pop_back();
    } else {
        ++open_count_;
    }
    lock.unlock();
    try {
        if (session) {
            reconnect_(*session);
        } else {
            session = std::make_unique<Poco::Data::Session>(open_());
        }
        lock.lock();
        failed_at_ = {};
        return Lease(this, std::move(session));
    } catch (const std::exception& e) {
        lock.lock();
        if (session) {
            broken_.push_back(std::move(session));
        } else {
            --open_count_;
        }
        freed_.notify_one();
        failed_at_ = std::chrono::steady_clock::now();
        const auto* poco = dynamic_cast<const Poco::Exception*>(&e);
        if (dynamic_cast<const StoreError*>(&e)) {
            last_failure_ = e.what();
        } else {
            last_failure_ = "store: cannot connect to " + what_ + ": " + (poco ? poco->displayText() : std::string(e.what()));
            std::replace_if(
                last_failure_.begin(), last_failure_.end(), [](unsigned char c) { return c < 0x20; }, ' ');
        }
        throw DatabaseError(last_failure_);
    }
}

std::optional<SessionPool::Lease> SessionPool::try_lease() {
    std::lock_guard lock(mutex_);
    if (idle_.empty()) return std::nullopt;
    auto session = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(session));
}

void SessionPool::give_back(std::unique_ptr<Poco::Data::Session> session, bool failed) {
    bool connected = false;
    try {
        connected = session->isConnected();
    } catch (const Poco::Exception&) {
        connected = false;
    }
    if (!connected && reconnect_) {
        std::lock_guard lock(mutex_);
        broken_.push_back(std::move(session));
        freed_.notify_one();
        return;
    }
    const bool keep = connected && !(failed && settings_.close_after_error);
    if (!keep) {
        try {
            session->close();
        } catch (const Poco::Exception&) {
            // Already gone: closing is all that was left to do.
        }
        session.reset();
    }
    std::lock_guard lock(mutex_);
    if (keep) {
        idle_.push_back(std::move(session));
    } else {
        --open_count_;
    }
    freed_.notify_one();
}

} // namespace dyndns::store
