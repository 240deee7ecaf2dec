// The host_rules table and each domain's prefix length: the hosts behind customers' routers, whose AAAA follows the router's prefix.
#include <Poco/Tuple.h>

#include "store/store_impl.h"

namespace dyndns::store {

void Store::set_prefix_length(const std::string& raw_domain, unsigned length) {
    const std::string domain = domain_name(raw_domain);
    guarded("set the prefix length", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (!impl_->domain_exists(session, domain)) throw StoreError("no domain '" + domain + "'");
        session << impl_->sql("UPDATE domains SET prefix_length = ? WHERE name = ?"), bind(static_cast<int>(length)),
            bind(domain), now;
        impl_->changed();
    });
}

void Store::set_host_rule(const HostRule& rule) {
    const std::string name = domain_name(rule.name);
    const auto domain = owning_domain(name);
    if (!domain) throw StoreError("'" + name + "' is not under any registered domain");
    guarded("set the host's rule", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        // One statement both databases know: a rule replaced keeps no trace of the old one.
        session << impl_->sql("DELETE FROM host_rules WHERE name = ?"), bind(name), now;
        session << impl_->sql("INSERT INTO host_rules(name, domain, ipv6_rule, created_ms) VALUES(?, ?, ?, ?)"), bind(name),
            bind(domain->name), bind(rule.ipv6), bind(now_ms()), now;
    });
}

bool Store::remove_host_rule(const std::string& raw_name) {
    const std::string name = lower(raw_name);
    return guarded("remove the host's rule", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Data::Statement remove(session);
        remove << impl_->sql("DELETE FROM host_rules WHERE name = ?"), bind(name);
        return remove.execute() > 0;
    });
}

std::vector<HostRule> Store::host_rules(const std::string& raw_domain) const {
    const std::string domain = lower(raw_domain);
    return guarded("read the host rules", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Poco::Tuple<std::string, std::string, std::string>> rows;
        session << impl_->sql("SELECT name, domain, ipv6_rule FROM host_rules WHERE domain = ? ORDER BY name"), bind(domain),
            into(rows), now;
        std::vector<HostRule> rules;
        for (const auto& row : rows) rules.push_back(HostRule{row.get<0>(), row.get<1>(), row.get<2>()});
        return rules;
    });
}

} // namespace dyndns::store
