// PasswordCheck's bound: guesses that need argon2 are refused at once beyond it, and a remembered success never waits.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "store/password_check.h"
#include "store/password_hash.h"
#include "vocabulary/store_errors.h"

using namespace dyndns::store;

namespace {

// An argon2 that takes as long as the test says: each check waits until released.
struct HeldMatcher {
    std::mutex mutex;
    std::condition_variable changed;
    int running = 0;
    bool released = false;
    bool matches(const std::string& password, const std::string& hash) {
        std::unique_lock lock(mutex);
        ++running;
        changed.notify_all();
        changed.wait(lock, [&] { return released; });
        return password_matches(password, hash);
    }
    void wait_running(int n) {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return running >= n; });
    }
    void release() {
        std::lock_guard lock(mutex);
        released = true;
        changed.notify_all();
    }
    void hold() {
        std::lock_guard lock(mutex);
        released = false;
    }
};

} // namespace

TEST_CASE("beyond the bound a check that needs argon2 is refused at once and a remembered success still answers") {
    const std::string hash = hash_password("right");
    HeldMatcher held;
    PasswordCheck check(2, [&](const std::string& p, const std::string& h) { return held.matches(p, h); });
    // The customer's login, remembered before the attack.
    held.release();
    REQUIRE(check.verify("customer", "right", hash));
    held.hold();

    // Two guesses (two accounts) hold the two verifications.
    std::vector<std::thread> guessers;
    for (const char* account : {"a", "b"})
        guessers.emplace_back([&, account] { CHECK_FALSE(check.verify(account, "guess", hash)); });
    held.wait_running(3); // the customer's check, then the two guesses
    CHECK_THROWS_AS(check.verify("c", "guess", hash), PasswordCheckBusy);
    CHECK(check.verify("customer", "right", hash)); // cached: no argon2, no wait, no refusal
    held.release();
    for (auto& guesser : guessers) guesser.join();
    // Once they are done there is room again.
    CHECK_FALSE(check.verify("c", "guess", hash));
}

TEST_CASE("callers with the same credentials as a verification in flight wait for its answer and take no room") {
    const std::string hash = hash_password("right");
    HeldMatcher held;
    PasswordCheck check(1, [&](const std::string& p, const std::string& h) { return held.matches(p, h); });
    // A client's burst: eight connections with the same new password, one verification.
    std::vector<std::thread> burst;
    std::atomic<int> yes{0};
    for (int i = 0; i < 8; ++i)
        burst.emplace_back([&] {
            if (check.verify("customer", "right", hash)) ++yes;
        });
    held.wait_running(1);
    CHECK_THROWS_AS(check.verify("other", "guess", hash), PasswordCheckBusy); // the one slot is the burst's
    held.release();
    for (auto& t : burst) t.join();
    CHECK(yes == 8);
    CHECK(held.running == 1); // argon2 ran once for the eight
}
