// The customers' domains and their per-host tokens, as the core reads and changes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vocabulary/records.h"

namespace dyndns::core {

// Implemented by store::Store (and tests' MemoryStore). Names are lower-case without a trailing
// dot. May throw store::DatabaseError; store::StoreError where a call says so.
class DomainPort {
public:
    virtual ~DomainPort() = default;
    virtual void set_dyndns(const std::string& domain, bool enabled) = 0; // StoreError if missing
    virtual std::optional<Domain> find_domain(const std::string& domain) const = 0; // exact name
    // The domain `name` belongs to: the name itself or its nearest registered ancestor.
    virtual std::optional<Domain> owning_domain(const std::string& name) const = 0;
    virtual std::vector<Domain> list_domains(const std::optional<std::string>& account = std::nullopt) const = 0;
    // The registered domains strictly below `name` ("*.name"), by name; at most 1000. An index
    // lookup in the store, not a scan: what an ACME challenge's wildcard check asks per call.
    virtual std::vector<Domain> domains_below(const std::string& name) const = 0;

    // Returns the token and its secret, the only time the secret exists outside the caller.
    // StoreError when no registered domain holds `name`.
    virtual std::pair<Token, std::string> create_token(const std::string& name) = 0;
    virtual std::optional<Token> verify_token(const std::string& name, const std::string& secret) const = 0;
    virtual bool has_tokens(const std::string& name) const = 0;
    virtual std::vector<Token> list_tokens(const std::optional<std::string>& domain = std::nullopt) const = 0;
    virtual void revoke_token(std::int64_t id) = 0; // StoreError if missing
};

} // namespace dyndns::core
