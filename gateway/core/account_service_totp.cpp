// The account's own second-factor settings from the panel: enrolment's start and turning TOTP off with a code.
#include "core/account_service.h"

namespace dyndns::core {

std::variant<std::string, UpdateError> AccountService::begin_totp(const std::string& account) {
    try {
        return store_.begin_totp(account);
    } catch (const store::DatabaseError&) {
        throw;
    } catch (const store::StoreError&) {
        return UpdateError{Fault::BadRequest, "two-factor authentication is on already: turn it off first", 0};
    }
}

std::optional<UpdateError> AccountService::disable_totp(const std::string& account, const std::string& code,
                                                        const ClientInfo& client) {
    if (auto refused = core_.second_factor(account, code, client)) return refused;
    store_.remove_totp(account);
    return std::nullopt;
}

} // namespace dyndns::core
