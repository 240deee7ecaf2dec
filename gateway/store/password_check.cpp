// The cache is asked before and after waiting at the account's gate, so a burst pays for one argon2 verification.
#include "store/password_check.h"
#include "vocabulary/no_wait.h"

#include <algorithm>
#include <thread>

#include "vocabulary/store_errors.h"

namespace dyndns::store {
namespace {

// Gates kept before idle ones (held by nobody) are forgotten: bounds the map under a scan of names.
constexpr std::size_t kMaxGates = 10000;

} // namespace

std::shared_ptr<std::mutex> PasswordCheck::gate(const std::string& account) {
    std::lock_guard lock(gates_mutex_);
    if (gates_.size() > kMaxGates) std::erase_if(gates_, [](const auto& item) { return item.second.use_count() == 1; });
    auto& gate = gates_[account];
    if (!gate) gate = std::make_shared<std::mutex>();
    return gate;
}

unsigned PasswordCheck::default_max_verifications() { return std::max(8U, 2 * std::thread::hardware_concurrency()); }

bool PasswordCheck::verify(const std::string& account, const std::string& password, const std::string& hash) {
    if (!hash.empty() && verified_.contains(account, password, hash)) return true;
    core::may_wait(); // argon2, or waiting for another caller's
    const std::string key = verified_.digest(account, password, hash);
    std::shared_ptr<Flight> flight;
    {
        std::unique_lock lock(flights_mutex_);
        if (const auto found = flights_.find(key); found != flights_.end()) {
            const std::shared_ptr<Flight> joined = found->second;
            flight_done_.wait(lock, [&] { return joined->done; });
            return joined->result;
        }
        if (flights_.size() >= max_verifications_) throw PasswordCheckBusy("too many password checks under way");
        flight = std::make_shared<Flight>();
        flights_.emplace(key, flight);
    }
    bool result = false;
    // The flight ends however this does (a throw included), and every caller waiting on it is told.
    struct Landing {
        PasswordCheck& check;
        const std::string& key;
        Flight& flight;
        const bool& result;
        ~Landing() {
            {
                std::lock_guard lock(check.flights_mutex_);
                flight.result = result;
                flight.done = true;
                check.flights_.erase(key);
            }
            check.flight_done_.notify_all();
        }
    } landing{*this, key, *flight, result};
    const auto account_gate = gate(account);
    std::lock_guard one_at_a_time(*account_gate);
    if (!hash.empty() && verified_.contains(account, password, hash)) return result = true;
    if (!matches_(password, hash)) return false; // slow, and outside the store's lock
    verified_.remember(account, password, hash);
    return result = true;
}

} // namespace dyndns::store
