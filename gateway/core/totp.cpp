// TOTP codes from Poco's HMAC-SHA-1 and Base32 decoder; the window and the replay rule in one function.
#include "core/totp.h"

#include <algorithm>
#include <sstream>

#include <Poco/Base32Decoder.h>
#include <Poco/Exception.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/String.h>
#include <Poco/URI.h>

namespace dyndns::core {

std::int64_t totp_step(std::chrono::system_clock::time_point now) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    return seconds / kTotpStepSeconds;
}

std::string hotp(const std::string& secret, std::uint64_t counter, int digits) {
    // §5.2: the counter as 8 bytes, most significant first.
    unsigned char message[8];
    for (int i = 7; i >= 0; --i, counter >>= 8) message[i] = static_cast<unsigned char>(counter & 0xff);
    Poco::HMACEngine<Poco::SHA1Engine> hmac(secret);
    hmac.update(message, sizeof message);
    const auto& mac = hmac.digest();
    // §5.3 dynamic truncation: four bytes at the offset the last nibble names, top bit cleared.
    const std::size_t offset = mac[mac.size() - 1] & 0x0f;
    const std::uint32_t binary = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                                 (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                                 (static_cast<std::uint32_t>(mac[offset + 2]) << 8) | static_cast<std::uint32_t>(mac[offset + 3]);
    std::uint32_t modulus = 1;
    for (int i = 0; i < digits; ++i) modulus *= 10;
    std::string code = std::to_string(binary % modulus);
    return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::optional<std::string> totp_secret_bytes(const std::string& base32) {
    std::string text = Poco::toUpper(base32);
    std::erase_if(text, [](char c) { return c == ' ' || c == '='; });
    if (text.empty() || text.size() > 256) return std::nullopt;
    // Poco's decoder wants whole 8-character groups; apps drop the padding.
    text.append((8 - text.size() % 8) % 8, '=');
    try {
        std::istringstream in(text);
        Poco::Base32Decoder decoder(in);
        std::string bytes((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
        if (bytes.empty()) return std::nullopt;
        return bytes;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

bool looks_like_totp_code(const std::string& text) {
    return text.size() == kTotpDigits && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> matching_step(const std::string& secret, const std::string& code, std::int64_t now_step,
                                          std::int64_t last_used) {
    if (!looks_like_totp_code(code)) return std::nullopt;
    for (std::int64_t step = now_step - kTotpWindowSteps; step <= now_step + kTotpWindowSteps; ++step) {
        if (step <= last_used || step < 0) continue;
        // Compared in constant time: the expected code is a secret.
        const std::string expected = hotp(secret, static_cast<std::uint64_t>(step));
        unsigned char difference = 0;
        for (std::size_t i = 0; i < expected.size(); ++i) difference |= static_cast<unsigned char>(expected[i] ^ code[i]);
        if (difference == 0) return step;
    }
    return std::nullopt;
}

std::string otpauth_uri(const std::string& issuer, const std::string& account, const std::string& base32_secret) {
    const auto encoded = [](const std::string& text) {
        std::string out;
        Poco::URI::encode(text, ":/?#[]@!$&'()*+,;=% ", out);
        return out;
    };
    return "otpauth://totp/" + encoded(issuer) + ":" + encoded(account) + "?secret=" + base32_secret +
           "&issuer=" + encoded(issuer) + "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) +
           "&period=" + std::to_string(kTotpStepSeconds);
}

} // namespace dyndns::core
