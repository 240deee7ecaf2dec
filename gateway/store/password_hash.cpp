// argon2id through libsodium with OWASP's minimum parameters, the keyed cache that spares repeated verifications, token and TOTP secrets.
#include "store/password_hash.h"

#include <algorithm>
#include <semaphore>
#include <sstream>
#include <thread>
#include <vector>

#include <Poco/Base32Encoder.h>
#include <sodium.h>

#include "store/store.h"

namespace dyndns::store {
namespace {

// OWASP Password Storage Cheat Sheet's argon2id minimum: 19 MiB, 2 passes, 1 lane. libsodium's
// "interactive" preset takes 64 MiB per verification, which at 16 concurrent logins would make
// the gateway's memory use a gigabyte.
constexpr unsigned long long kOpsLimit = 2;
constexpr std::size_t kMemLimit = 19u * 1024u * 1024u;

void ensure_sodium() {
    static const int ready = sodium_init();
    if (ready < 0) throw StoreError("libsodium cannot be initialised");
}

const std::string& dummy_hash() {
    static const std::string hash = hash_password("not a password of anyone");
    return hash;
}

} // namespace

std::string hash_password(const std::string& password) {
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw StoreError("cannot hash the password (out of memory)");
    return out;
}

bool password_matches(const std::string& password, const std::string& hash) {
    ensure_sodium();
    // Each verification takes kMemLimit of memory and a core for its duration: no more at once
    // than there are cores (at most 4), whatever the number of worker threads. More would not be
    // faster, only bigger.
    static std::counting_semaphore<4> slots(static_cast<std::ptrdiff_t>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u)));
    slots.acquire();
    struct Release {
        ~Release() { slots.release(); }
    } release;
    const std::string& against = hash.empty() ? dummy_hash() : hash;
    const bool match = crypto_pwhash_str_verify(against.c_str(), password.data(), password.size()) == 0;
    return match && !hash.empty();
}

std::string new_token_secret(std::size_t size) {
    ensure_sodium();
    std::vector<unsigned char> bytes(size);
    randombytes_buf(bytes.data(), bytes.size());
    std::string text(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
    sodium_bin2base64(text.data(), text.size(), bytes.data(), bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(bytes.data(), bytes.size());
    text.resize(text.find('\0')); // the encoded length counts the terminating NUL
    return text;
}

std::string new_base32_secret(std::size_t size) {
    ensure_sodium();
    std::vector<unsigned char> bytes(size);
    randombytes_buf(bytes.data(), bytes.size());
    std::ostringstream text;
    {
        Poco::Base32Encoder encoder(text, false);
        encoder.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        encoder.close();
    }
    sodium_memzero(bytes.data(), bytes.size());
    return text.str();
}

std::string token_hash(const std::string& secret) {
    ensure_sodium();
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr, 0);
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

VerifiedCache::VerifiedCache(std::chrono::seconds lifetime) : lifetime_(lifetime) {
    ensure_sodium();
    randombytes_buf(key_, sizeof key_);
}

std::string VerifiedCache::digest(const std::string& account, const std::string& password, const std::string& hash) const {
    crypto_generichash_state state;
    crypto_generichash_init(&state, key_, sizeof key_, crypto_generichash_BYTES);
    // Lengths first, so that no two different triples feed the same bytes.
    for (const std::string* part : {&account, &password, &hash}) {
        const unsigned long long length = part->size();
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&length), sizeof length);
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part->data()), part->size());
    }
    unsigned char out[crypto_generichash_BYTES];
    crypto_generichash_final(&state, out, sizeof out);
    return std::string(reinterpret_cast<const char*>(out), sizeof out);
}

bool VerifiedCache::contains(const std::string& account, const std::string& password, const std::string& hash) {
    const std::string wanted = digest(account, password, hash);
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(account);
    if (it == entries_.end()) return false;
    if (Clock::now() >= it->second.expires) {
        entries_.erase(it);
        return false;
    }
    return sodium_memcmp(it->second.digest.data(), wanted.data(), wanted.size()) == 0;
}

void VerifiedCache::remember(const std::string& account, const std::string& password, const std::string& hash) {
    std::string entry = digest(account, password, hash);
    std::lock_guard lock(mutex_);
    entries_[account] = Entry{std::move(entry), Clock::now() + lifetime_};
}

void VerifiedCache::forget(const std::string& account) {
    std::lock_guard lock(mutex_);
    entries_.erase(account);
}

} // namespace dyndns::store
