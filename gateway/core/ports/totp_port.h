// The second factor of panel logins as the core keeps it: an account's TOTP secret, the last step used, its recovery codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dyndns::core {

struct TotpState {
    std::string secret; // Base32, 160 random bits
    bool enabled = false; // false: made, waiting for its first code (enrolment not finished)
    std::int64_t last_step = 0; // the last TOTP step a code was taken at: no code of it or before is taken again
    std::size_t recovery_codes_left = 0;
};

// Implemented by store::Store (and tests' MemoryStore). May throw store::DatabaseError; StoreError
// for a missing account.
class TotpPort {
public:
    virtual ~TotpPort() = default;
    // The account's TOTP, on or waiting; nothing when it has none.
    virtual std::optional<TotpState> totp(const std::string& account) const = 0;
    // A new random secret waiting for its first code, replacing one that waits; returned (Base32).
    // StoreError when TOTP is on already: it is turned off first, with a code.
    virtual std::string begin_totp(const std::string& account) = 0;
    // Turns the waiting secret on with `step` (the code that proved it) used, and makes
    // kRecoveryCodes new recovery codes, kept hashed and returned as shown: the only time they
    // exist outside the caller. StoreError when no secret waits.
    virtual std::vector<std::string> enable_totp(const std::string& account, std::int64_t step) = 0;
    // Takes `step` as used when it is later than the last step used, in one atomic change (two
    // gateways given one code take it once); false when it is not later or TOTP is off.
    virtual bool use_totp_step(const std::string& account, std::int64_t step) = 0;
    // Spends the unused recovery code `code` (as typed); false when the account has none such.
    virtual bool use_recovery_code(const std::string& account, const std::string& code) = 0;
    // The secret and the recovery codes deleted; false when there were none.
    virtual bool remove_totp(const std::string& account) = 0;
};

} // namespace dyndns::core
