// Recovery codes' shape: groups of four to read, one canonical form to hash.
#include "vocabulary/recovery_code.h"

namespace dyndns::core {

std::string recovery_code_shown(const std::string& key) {
    std::string shown;
    for (std::size_t i = 0; i < key.size(); ++i) {
        if (i > 0 && i % 4 == 0) shown += '-';
        shown += key[i];
    }
    return shown;
}

std::optional<std::string> recovery_code_key(const std::string& typed) {
    if (typed.size() > 4 * kRecoveryCodeLength) return std::nullopt;
    std::string key;
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        // RFC 4648 Base32: a-z and 2-7.
        if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return std::nullopt;
        key += c;
    }
    if (key.size() != kRecoveryCodeLength) return std::nullopt;
    return key;
}

} // namespace dyndns::core
