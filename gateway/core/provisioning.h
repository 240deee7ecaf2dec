// The provider's own calls (docs/api.md "Provisioning endpoints"): accounts, their domains and the dyndns switch, with the store's rules.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "core/ports/domain_port.h"
#include "core/ports/provisioning_port.h"
#include "vocabulary/faults.h"
#include "vocabulary/records.h"

namespace dyndns::core {

// A refused provisioning call: its fault, and whether what was to be made exists already (409).
struct Refusal {
    UpdateError error;
    bool exists = false;
};
template <class T>
using Provisioned = std::variant<T, Refusal>;

// Callers have checked the provisioning token (UpdateService::check_provisioning_token). An
// unknown account or domain is NO_SUCH_DOMAIN (2), a name or password the store never holds
// BAD_REQUEST (9), the store failing SERVICE_UNAVAILABLE (10).
class ProvisioningService {
public:
    ProvisioningService(ProvisioningPort& accounts, DomainPort& domains) : accounts_(accounts), domains_(domains) {}

    Provisioned<std::vector<std::string>> accounts() const;
    Provisioned<std::string> add_account(const std::string& account, const std::string& password); // the name as stored
    Provisioned<bool> delete_account(const std::string& account);
    Provisioned<bool> set_password(const std::string& account, const std::string& password);
    Provisioned<std::vector<Domain>> domains(const std::string& account) const;
    Provisioned<Domain> add_domain(const std::string& account, const std::string& domain, bool dyndns);
    Provisioned<bool> delete_domain(const std::string& domain);
    Provisioned<Domain> set_dyndns(const std::string& domain, bool enabled);

private:
    ProvisioningPort& accounts_;
    DomainPort& domains_;
};

} // namespace dyndns::core
