// TOTP (RFC 6238) over HOTP (RFC 4226): the one-time codes of a panel login's second factor, the window they are taken in, and the otpauth URI that carries a secret to an app.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace dyndns::core {

// What every authenticator app assumes when the URI names nothing else: HMAC-SHA-1, 30 s, 6 digits.
constexpr std::int64_t kTotpStepSeconds = 30;
constexpr int kTotpDigits = 6;
// Steps either side of now a code is still taken in: a phone's clock a little off, a code typed as it turned.
constexpr std::int64_t kTotpWindowSteps = 1;

// RFC 6238 §4.2: T = floor(Unix time / step).
std::int64_t totp_step(std::chrono::system_clock::time_point now);

// RFC 4226 §5.3: the HOTP value of `secret` (raw bytes) at `counter`, `digits` long with leading zeros.
std::string hotp(const std::string& secret, std::uint64_t counter, int digits = kTotpDigits);

// A Base32 secret (RFC 4648, as apps show and take it; case, spaces and padding ignored) as raw
// bytes; nothing when it is not Base32.
std::optional<std::string> totp_secret_bytes(const std::string& base32);

// True when `text` has a TOTP code's shape (kTotpDigits digits), not a recovery code's.
bool looks_like_totp_code(const std::string& text);

// The step `code` is the code of, within kTotpWindowSteps of `now_step` and later than
// `last_used` (a code accepted once is never taken again, RFC 6238 §5.2); nothing otherwise.
std::optional<std::int64_t> matching_step(const std::string& secret, const std::string& code, std::int64_t now_step,
                                          std::int64_t last_used);

// otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…: what the enrolment QR code holds (the Key
// URI Format every authenticator app reads). It holds the secret: shown in the page, never a URL
// the gateway serves.
std::string otpauth_uri(const std::string& issuer, const std::string& account, const std::string& base32_secret);

} // namespace dyndns::core
