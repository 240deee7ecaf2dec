// The set of accounts with a webhook, refreshed from the store's mark at most once per refresh interval.
#include "core/webhook_accounts.h"

namespace dyndns::core {

bool WebhookAccounts::may_have_webhook(const std::string& account) {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (!checked_ || now - *checked_ >= refresh_) {
        try {
            const WebhookSetMark mark = store_.webhook_set_mark();
            if (!checked_ || mark != mark_) {
                auto accounts = store_.accounts_with_webhooks();
                accounts_ = std::unordered_set<std::string>(accounts.begin(), accounts.end());
                mark_ = mark;
            }
            checked_ = now;
        } catch (const std::exception&) {
            return true; // the caller's read reports the outage; the event is not given up here
        }
    }
    return accounts_.contains(account);
}

void WebhookAccounts::added(const std::string& account) {
    std::lock_guard lock(mutex_);
    accounts_.insert(account);
}

} // namespace dyndns::core
