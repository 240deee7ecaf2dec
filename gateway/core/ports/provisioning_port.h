// What the provider's panel may change through the JSON API (docs/api.md "Provisioning endpoints"): accounts and their domains.
#pragma once

#include <string>
#include <vector>

namespace dyndns::core {

// Implemented by store::Store: the same calls dyndnsctl makes, so one set of rules holds for
// both. Names are checked there (store::InvalidInput); a missing or existing row is
// store::StoreError; the database failing store::DatabaseError.
class ProvisioningPort {
public:
    virtual ~ProvisioningPort() = default;
    virtual void add_account(const std::string& account, const std::string& password) = 0;
    virtual void set_password(const std::string& account, const std::string& password) = 0;
    virtual void delete_account(const std::string& account) = 0; // its domains and tokens go with it
    virtual std::vector<std::string> list_accounts() const = 0;
    virtual bool account_exists(const std::string& account) const = 0;
    virtual void add_domain(const std::string& domain, const std::string& account) = 0;
    virtual void delete_domain(const std::string& domain) = 0;
};

} // namespace dyndns::core
