// The accounts the core checks callers against: passwords and the stamp sessions keep.
#pragma once

#include <string>

namespace dyndns::core {

// Implemented by store::Store (and tests' MemoryStore). May throw store::DatabaseError.
class AccountPort {
public:
    virtual ~AccountPort() = default;
    // True when `password` is the account's; unknown accounts cost the same time as wrong passwords.
    // store::PasswordCheckBusy when too many slow verifications are under way to start one more.
    virtual bool verify_password(const std::string& account, const std::string& password) = 0;
    // Changes with the password and when the account is deleted and made again; "" for no account.
    virtual std::string credential_stamp(const std::string& account) const = 0;
};

} // namespace dyndns::core
