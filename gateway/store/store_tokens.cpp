// The tokens table: per-host secrets, kept as hashes, each allowed to update one name.
#include <algorithm>
#include <optional>

#include <Poco/Tuple.h>

#include "store/store_impl.h"
#include "store/password_hash.h"

namespace dyndns::store {

std::pair<Token, std::string> Store::create_token(const std::string& raw_name) {
    const std::string name = domain_name(raw_name);
    const auto domain = owning_domain(name);
    if (!domain) throw StoreError("'" + name + "' is not under any registered domain");
    std::string secret = new_token_secret();
    Token token{0, name, domain->name, std::chrono::system_clock::now()};
    const auto created_ms = std::chrono::duration_cast<std::chrono::milliseconds>(token.created.time_since_epoch()).count();
    guarded("create the token", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Int64 id = 0;
        session << impl_->sql("INSERT INTO tokens(name, domain, secret_hash, created_ms) VALUES(?, ?, ?, ?) RETURNING id"),
            bind(name), bind(domain->name), bind(token_hash(secret)), bind(static_cast<Poco::Int64>(created_ms)), into(id), now;
        impl_->changed();
        token.id = id;
    });
    return {token, secret};
}

std::vector<Token> Store::tokens_where(const std::string& where, const std::vector<std::string>& values) const {
    return guarded("read the tokens", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Poco::Tuple<Poco::Int64, std::string, std::string, Poco::Int64>> rows;
        Poco::Data::Statement select(session);
        select << impl_->sql("SELECT id, name, domain, created_ms FROM tokens " + where + " ORDER BY id"), into(rows);
        for (const auto& value : values) select, bind(value);
        select.execute();
        std::vector<Token> tokens;
        for (const auto& row : rows)
            tokens.push_back(Token{row.get<0>(), row.get<1>(), row.get<2>(),
                                   std::chrono::system_clock::time_point(std::chrono::milliseconds(row.get<3>()))});
        return tokens;
    });
}

std::optional<Token> Store::verify_token(const std::string& raw_name, const std::string& secret) const {
    if (secret.empty() || secret.size() > core::kMaxPasswordLength) return std::nullopt;
    const auto found = tokens_where("WHERE name = ? AND secret_hash = ?", {lower(raw_name), token_hash(secret)});
    if (found.empty()) return std::nullopt;
    return found.front();
}

bool Store::has_tokens(const std::string& raw_name) const {
    const std::string name = lower(raw_name);
    return guarded("read the tokens", [&] {
        return impl_->cache.lookup(&LookupCache::Entries::token_names, name, [&](Poco::Data::Session& session) {
            int count = 0;
            session << impl_->sql("SELECT count(*) FROM tokens WHERE name = ?"), bind(name), into(count), now;
            return count > 0;
        });
    });
}

std::vector<Token> Store::list_tokens(const std::optional<std::string>& domain) const {
    if (!domain) return tokens_where("", {});
    return tokens_where("WHERE domain = ?", {lower(*domain)});
}

void Store::revoke_token(std::int64_t id) {
    guarded("revoke the token", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        int count = 0;
        session << impl_->sql("SELECT count(*) FROM tokens WHERE id = ?"), bind(static_cast<Poco::Int64>(id)), into(count), now;
        if (count == 0) throw StoreError("no token " + std::to_string(id));
        session << impl_->sql("DELETE FROM tokens WHERE id = ?"), bind(static_cast<Poco::Int64>(id)), now;
        impl_->changed();
    });
}

} // namespace dyndns::store
