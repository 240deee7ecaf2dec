// Recovery codes of a panel login's second factor: how many an account gets, how one is shown, and how a typed one is compared.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace dyndns::core {

inline constexpr std::size_t kRecoveryCodes = 10; // made at once when TOTP is turned on; each works once
inline constexpr std::size_t kRecoveryCodeLength = 16; // lower-case Base32: 80 random bits

// "abcd-efgh-ijkl-mnop": the code in groups of four, as the page shows it.
std::string recovery_code_shown(const std::string& key);

// What a typed code is kept (hashed) and compared as: its kRecoveryCodeLength Base32 characters,
// lower-case, hyphens and spaces dropped. Nothing when it cannot be a recovery code.
std::optional<std::string> recovery_code_key(const std::string& typed);

} // namespace dyndns::core
