// Each provisioning call checks what must exist first (404) or must not (409), lets the store apply its own rules, and logs what it changed.
#include "core/provisioning.h"

#include "core/update_core.h"
#include "log/log.h"
#include "vocabulary/names.h"
#include "vocabulary/store_errors.h"

namespace dyndns::core {
namespace {

Refusal missing(const std::string& what) { return {{Fault::NoSuchDomain, "no " + what, 0}, false}; }

// The store's refusals are for the operator and hold no secret: the caller may read them.
template <class T, class Call>
Provisioned<T> guarded(Call call) {
    try {
        return call();
    } catch (const store::DatabaseError& failure) {
        return Refusal{UpdateCore::store_unavailable(failure), false};
    } catch (const store::InvalidInput& refused) {
        return Refusal{{Fault::BadRequest, refused.what(), 0}, false};
    } catch (const store::StoreError& refused) {
        // Made or removed by someone else between the check and the change.
        return Refusal{{Fault::BadRequest, refused.what(), 0}, true};
    }
}

} // namespace

Provisioned<std::vector<std::string>> ProvisioningService::accounts() const {
    return guarded<std::vector<std::string>>([&] { return accounts_.list_accounts(); });
}

Provisioned<std::string> ProvisioningService::add_account(const std::string& account, const std::string& password) {
    return guarded<std::string>([&]() -> Provisioned<std::string> {
        if (accounts_.account_exists(account))
            return Refusal{{Fault::BadRequest, "account '" + lower(account) + "' exists", 0}, true};
        accounts_.add_account(account, password);
        log::notice("provisioning: account " + lower(account) + " added");
        return lower(account);
    });
}

Provisioned<bool> ProvisioningService::delete_account(const std::string& account) {
    return guarded<bool>([&]() -> Provisioned<bool> {
        if (!accounts_.account_exists(account)) return missing("such account");
        accounts_.delete_account(account);
        log::notice("provisioning: account " + lower(account) + " deleted with its domains and tokens");
        return true;
    });
}

Provisioned<bool> ProvisioningService::set_password(const std::string& account, const std::string& password) {
    return guarded<bool>([&]() -> Provisioned<bool> {
        if (!accounts_.account_exists(account)) return missing("such account");
        accounts_.set_password(account, password);
        log::notice("provisioning: password of account " + lower(account) + " changed");
        return true;
    });
}

Provisioned<std::vector<Domain>> ProvisioningService::domains(const std::string& account) const {
    return guarded<std::vector<Domain>>([&]() -> Provisioned<std::vector<Domain>> {
        if (!accounts_.account_exists(account)) return missing("such account");
        return domains_.list_domains(lower(account));
    });
}

Provisioned<Domain> ProvisioningService::add_domain(const std::string& account, const std::string& domain, bool dyndns) {
    return guarded<Domain>([&]() -> Provisioned<Domain> {
        if (!accounts_.account_exists(account)) return missing("such account");
        if (const auto found = domains_.find_domain(lower(domain)))
            return Refusal{{Fault::BadRequest, "domain '" + found->name + "' exists", 0}, true};
        accounts_.add_domain(domain, account);
        const auto added = domains_.find_domain(lower(domain));
        if (!added) return missing("such domain");
        if (dyndns) domains_.set_dyndns(added->name, true);
        log::notice("provisioning: domain " + added->name + " added to account " + added->account +
                    (dyndns ? ", dyndns on" : ", dyndns off"));
        return *domains_.find_domain(added->name);
    });
}

Provisioned<bool> ProvisioningService::delete_domain(const std::string& domain) {
    return guarded<bool>([&]() -> Provisioned<bool> {
        if (!domains_.find_domain(lower(domain))) return missing("such domain");
        accounts_.delete_domain(domain);
        log::notice("provisioning: domain " + lower(domain) + " deleted");
        return true;
    });
}

Provisioned<Domain> ProvisioningService::set_dyndns(const std::string& domain, bool enabled) {
    return guarded<Domain>([&]() -> Provisioned<Domain> {
        const auto found = domains_.find_domain(lower(domain));
        if (!found) return missing("such domain");
        domains_.set_dyndns(found->name, enabled);
        log::notice("provisioning: dyndns " + std::string(enabled ? "on" : "off") + " for " + found->name);
        auto changed = *found;
        changed.dyndns = enabled;
        return changed;
    });
}

} // namespace dyndns::core
