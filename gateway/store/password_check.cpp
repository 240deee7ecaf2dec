// The cache is asked before and after waiting at the account's gate, so a burst pays for one argon2 verification.
#include "store/password_check.h"

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
    {
        std::lock_guard lock(under_way_mutex_);
        if (under_way_ >= max_verifications_) throw PasswordCheckBusy("too many password checks under way");
        ++under_way_;
    }
    struct Done {
        PasswordCheck& check;
        ~Done() {
            std::lock_guard lock(check.under_way_mutex_);
            --check.under_way_;
        }
    } done{*this};
    const auto account_gate = gate(account);
    std::lock_guard one_at_a_time(*account_gate);
    if (!hash.empty() && verified_.contains(account, password, hash)) return true;
    if (!matches_(password, hash)) return false; // slow, and outside the store's lock
    verified_.remember(account, password, hash);
    return true;
}

} // namespace dyndns::store
