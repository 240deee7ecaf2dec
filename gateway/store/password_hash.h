// Secrets at rest (libsodium): argon2id password hashes, the cache of recent verifications, token secrets, TOTP secrets and recovery codes.
#pragma once

#include <chrono>
#include <mutex>
#include <cstddef>
#include <string>
#include <unordered_map>

namespace dyndns::store {

// An argon2id hash string in libsodium's (PHC) format, salted. Throws StoreError when out of memory.
std::string hash_password(const std::string& password);

// True when `password` matches `hash`. An empty `hash` (unknown account) is checked against a
// dummy hash, so an unknown account costs the same time as a wrong password.
bool password_matches(const std::string& password, const std::string& hash);

// A new token secret: `bytes` random bytes as URL-safe base64 without padding (24 bytes, 192
// bits: 32 characters; 32 bytes, 256 bits: 43).
std::string new_token_secret(std::size_t bytes = 24);
// `bytes` random bytes as upper-case Base32 (RFC 4648) without padding: a TOTP secret (20 bytes,
// 160 bits, as RFC 4226 §4 recommends: 32 characters) or a recovery code (10 bytes: 16).
std::string new_base32_secret(std::size_t bytes);
// The hex BLAKE2b-256 of a token secret: what the store keeps. A fast hash is enough for a
// random 192-bit secret; argon2 is for secrets people choose.
std::string token_hash(const std::string& secret);

// Remembers that (account, password, stored hash) verified, for `lifetime`, under a keyed
// BLAKE2b digest with a per-process random key: never the password itself. Because the stored
// hash is part of the digest, a password change (here or from another process) misses the cache.
class VerifiedCache {
public:
    using Clock = std::chrono::steady_clock;
    explicit VerifiedCache(std::chrono::seconds lifetime = std::chrono::seconds(60));

    bool contains(const std::string& account, const std::string& password, const std::string& hash);
    void remember(const std::string& account, const std::string& password, const std::string& hash);
    void forget(const std::string& account);
    // The keyed digest of the triple, which names it without holding the password (PasswordCheck
    // keys its verifications in flight by it).
    std::string digest(const std::string& account, const std::string& password, const std::string& hash) const;

private:
    std::chrono::seconds lifetime_;
    unsigned char key_[32];
    std::mutex mutex_;
    struct Entry {
        std::string digest;
        Clock::time_point expires;
    };
    std::unordered_map<std::string, Entry> entries_; // by account: one entry each bounds the size
};

} // namespace dyndns::store
