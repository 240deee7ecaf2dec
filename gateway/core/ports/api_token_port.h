// API tokens as the core and the tools keep them (docs/api.md "Authentication"): made, found by their secret, listed, revoked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vocabulary/api_token.h"

namespace dyndns::core {

// Implemented by store::Store (and tests' MemoryStore). May throw store::DatabaseError.
class ApiTokenPort {
public:
    virtual ~ApiTokenPort() = default;
    // Stores `token` (its id and creation time are set here) with a new secret, returned: the only
    // time it exists outside the caller. The scope is taken as given: core/api_tokens.h vets it.
    // StoreError when a customer token's account does not exist.
    virtual std::pair<ApiToken, std::string> create_api_token(ApiToken token) = 0;
    // The token with this secret, if any; a hash lookup (the secret is random, not a password).
    virtual std::optional<ApiToken> find_api_token(const std::string& secret) const = 0;
    // Every token, or an account's customer tokens; provisioning tokens with `account` "".
    virtual std::vector<ApiToken> list_api_tokens(const std::optional<std::string>& account = std::nullopt) const = 0;
    virtual void revoke_api_token(std::int64_t id) = 0; // StoreError if missing
};

} // namespace dyndns::core
