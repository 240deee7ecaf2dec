// The panel's second-factor HTML: the login's code step, the account's TOTP section, enrolment with its QR code, the recovery codes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ports/totp_port.h"

namespace dyndns::panel {

// A login's second step, after a right password: the code from the app, or a recovery code.
std::string code_page(const std::string& csrf, const std::string& problem);
// The domains page's section: set up, continue setting up, or turn off (with a code).
std::string totp_section(const std::string& csrf, const std::optional<core::TotpState>& totp);
// Enrolment: `secret` (Base32) as text and, inside `otpauth_uri`, as a QR code; a form for the first code.
std::string totp_enrol_page(const std::string& account, const std::string& csrf, const std::string& secret,
                            const std::string& otpauth_uri, const std::string& problem);
// TOTP is on: the recovery codes, shown this once.
std::string recovery_codes_page(const std::string& account, const std::string& csrf, const std::vector<std::string>& codes);

} // namespace dyndns::panel
