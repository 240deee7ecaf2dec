// ACME DNS-01 rules: which values, at which name, and which two are kept (docs/contract.md "ACME DNS-01 challenges").
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace dyndns::core {

// A certificate for a name and for its wildcard needs two values at the one challenge name at once.
constexpr std::size_t kMaxChallengeValues = 2;

// True for what RFC 8555 8.4 puts in the record: the unpadded base64url SHA-256 digest of a key
// authorization, 43 characters.
bool is_key_authorization_digest(const std::string& value);

// The host name a challenge is for, lower-cased, from the name a caller gives: the name itself,
// its wildcard "*.name", or the challenge name "_acme-challenge.name"; nothing when it is none of them.
std::optional<std::string> challenge_subject(const std::string& name);

// "_acme-challenge." + subject (RFC 8555 8.4).
std::string challenge_name(const std::string& subject);

// Which value at a challenge name is the oldest, so that a third value drops it. The primary
// holds the values but not their order, so the order is remembered here from the calls this
// process made; a value it did not set (set before a restart, or by another gateway) counts as
// older than those it did.
class ChallengeOrder {
public:
    // The values after adding `value` to `published` (those the primary holds), oldest first,
    // at most kMaxChallengeValues.
    std::vector<std::string> with(const std::string& name, const std::vector<std::string>& published,
                                  const std::string& value) const;
    // The values after removing `value` from `published`, oldest first.
    std::vector<std::string> without(const std::string& name, const std::vector<std::string>& published,
                                     const std::string& value) const;
    // The primary now holds `values` (oldest first) at `name`.
    void remember(const std::string& name, const std::vector<std::string>& values);

    // Held across a challenge name's read, change and answer, so two calls for one name never
    // both read the old set and each write only their own value.
    std::mutex& lock_for(const std::string& name);

private:
    std::vector<std::string> ordered(const std::string& name, const std::vector<std::string>& published) const;

    static constexpr std::size_t kMaxRemembered = 100'000; // names whose order is kept

    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::vector<std::string>> known_; // by name, oldest first
    std::array<std::mutex, 64> names_; // striped by the name's hash
};

} // namespace dyndns::core
