// The domains table: each customer's domains, their dyndns switch, and the domain owning a name.
#include <algorithm>
#include <optional>

#include <Poco/Tuple.h>

#include "store/store_impl.h"
#include "store/store_schema.h"
#include "store/transaction.h"

namespace dyndns::store {

void Store::add_domain(const std::string& raw_domain, const std::string& raw_account) {
    const std::string domain = domain_name(raw_domain);
    const std::string account = account_name(raw_account);
    guarded("add the domain", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (impl_->stored_hash(session, account).empty()) throw StoreError("no account '" + account + "'");
        if (impl_->domain_exists(session, domain)) throw StoreError("domain '" + domain + "' already exists");
        session << impl_->sql("INSERT INTO domains(name, account, dyndns, created_ms, reversed_name) VALUES(?, ?, 0, ?, ?)"),
            bind(domain), bind(account), bind(now_ms()), bind(reversed_name(domain)), now;
        impl_->changed();
    });
}

std::size_t Store::add_domains(const std::vector<std::pair<std::string, std::string>>& domains, bool dyndns) {
    std::vector<std::pair<std::string, std::string>> checked;
    checked.reserve(domains.size());
    for (const auto& [raw_domain, raw_account] : domains)
        checked.emplace_back(domain_name(raw_domain), account_name(raw_account));
    std::size_t added = 0;
    guarded("import domains", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        // One transaction: one journal sync for all of them, and all or none.
        in_transaction(session, impl_->dialect, [&] {
            for (const auto& [domain, account] : checked) {
                if (impl_->stored_hash(session, account).empty()) throw StoreError("no account '" + account + "'");
                if (impl_->domain_exists(session, domain)) continue; // already there: an import may be run again
                session << impl_->sql(
                    "INSERT INTO domains(name, account, dyndns, created_ms, reversed_name) VALUES(?, ?, ?, ?, ?)"),
                    bind(domain), bind(account), bind(dyndns ? 1 : 0), bind(now_ms()), bind(reversed_name(domain)), now;
                ++added;
            }
        });
        impl_->changed();
    });
    return added;
}

void Store::delete_domain(const std::string& raw_domain) {
    const std::string domain = domain_name(raw_domain);
    guarded("delete the domain", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (!impl_->domain_exists(session, domain)) throw StoreError("no domain '" + domain + "'");
        // Its tokens go with it (ON DELETE CASCADE), its history here (see delete_account).
        in_transaction(session, impl_->dialect, [&] {
            session << impl_->sql("DELETE FROM history WHERE domain = ?"), bind(domain), now;
            session << impl_->sql("DELETE FROM domains WHERE name = ?"), bind(domain), now;
        });
        impl_->changed();
    });
}

void Store::set_dyndns(const std::string& raw_domain, bool enabled) {
    const std::string domain = domain_name(raw_domain);
    guarded("change the dyndns switch", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        if (!impl_->domain_exists(session, domain)) throw StoreError("no domain '" + domain + "'");
        session << impl_->sql("UPDATE domains SET dyndns = ? WHERE name = ?"), bind(enabled ? 1 : 0), bind(domain), now;
        impl_->changed();
    });
}

std::optional<Domain> Store::find_domain(const std::string& raw_domain) const {
    std::string domain;
    try {
        domain = domain_name(raw_domain);
    } catch (const InvalidInput&) {
        return std::nullopt;
    }
    const auto found = list_where("WHERE name = ?", domain);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<Domain> Store::list_domains(const std::optional<std::string>& account) const {
    if (!account) return list_where("", "");
    return list_where("WHERE account = ?", lower(*account));
}

std::vector<Domain> Store::list_where(const std::string& where, const std::string& value) const {
    return guarded("read the domains", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Poco::Tuple<std::string, std::string, int, int>> rows;
        Poco::Data::Statement select(session);
        select << impl_->sql("SELECT name, account, dyndns, prefix_length FROM domains " + where + " ORDER BY name"), into(rows);
        if (!where.empty()) select, bind(value);
        select.execute();
        std::vector<Domain> domains;
        for (const auto& row : rows)
            domains.push_back(Domain{row.get<0>(), row.get<1>(), row.get<2>() != 0, static_cast<unsigned>(row.get<3>())});
        return domains;
    });
}

std::vector<Domain> Store::domains_below(const std::string& raw_name) const {
    std::string name;
    try {
        name = domain_name(raw_name);
    } catch (const InvalidInput&) {
        return {};
    }
    // One index range: the reversed names from "eman." up to "eman/" ('/' follows '.'), byte order.
    const std::string from = reversed_name(name) + ".";
    const std::string to = reversed_name(name) + "/";
    return guarded("read the domains", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Poco::Tuple<std::string, std::string, int, int>> rows;
        session << impl_->sql("SELECT name, account, dyndns, prefix_length FROM domains WHERE reversed_name >= ? AND "
                              "reversed_name < ? ORDER BY name LIMIT 1000"),
            bind(from), bind(to), into(rows), now;
        std::vector<Domain> domains;
        for (const auto& row : rows)
            domains.push_back(Domain{row.get<0>(), row.get<1>(), row.get<2>() != 0, static_cast<unsigned>(row.get<3>())});
        return domains;
    });
}

std::optional<Domain> Store::owning_domain(const std::string& raw_name) const {
    std::string name;
    try {
        name = domain_name(raw_name);
    } catch (const InvalidInput&) {
        return std::nullopt;
    }
    // The name and each of its ancestors, in one query; the longest registered one wins.
    std::vector<std::string> candidates;
    for (std::size_t from = 0; from != std::string::npos && from < name.size();) {
        candidates.push_back(name.substr(from));
        const auto dot = name.find('.', from);
        from = dot == std::string::npos ? dot : dot + 1;
    }
    std::string where = "WHERE name IN (";
    for (std::size_t i = 0; i < candidates.size(); ++i) where += i ? ", ?" : "?";
    where += ") ORDER BY length(name) DESC LIMIT 1";
    return guarded("read the domains", [&] {
        return impl_->cache.lookup(&LookupCache::Entries::owners, name, [&](Poco::Data::Session& session) {
            std::vector<Poco::Tuple<std::string, std::string, int, int>> rows;
            Poco::Data::Statement select(session);
            select << impl_->sql("SELECT name, account, dyndns, prefix_length FROM domains " + where), into(rows);
            for (const auto& candidate : candidates) select, bind(candidate);
            select.execute();
            std::optional<Domain> found;
            if (!rows.empty())
                found = Domain{rows.front().get<0>(), rows.front().get<1>(), rows.front().get<2>() != 0,
                               static_cast<unsigned>(rows.front().get<3>())};
            return found;
        });
    });
}

} // namespace dyndns::store
