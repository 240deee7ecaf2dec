// The api_tokens table: customer tokens with their scopes and provisioning tokens, kept as hashes of their secrets.
#include <Poco/StringTokenizer.h>
#include <Poco/Tuple.h>

#include "store/password_hash.h"
#include "store/store_impl.h"

namespace dyndns::store {
namespace {

std::string joined(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
    return text;
}

std::vector<std::string> split(const std::string& text) {
    Poco::StringTokenizer words(text, " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    return {words.begin(), words.end()};
}

std::int64_t ms_of(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::chrono::system_clock::time_point time_of(std::int64_t ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

using Row = Poco::Tuple<Poco::Int64, std::string, Poco::Nullable<std::string>, std::string, std::string, std::string, int, int,
                        std::string, Poco::Int64, Poco::Int64>;
constexpr const char* kColumns = "id, kind, account, label, names, subtrees, kinds, writable, networks, expires_ms, created_ms";

core::ApiToken token_of(const Row& row) {
    core::ApiToken token;
    token.id = row.get<0>();
    token.kind = row.get<1>() == "provisioning" ? core::ApiToken::Kind::Provisioning : core::ApiToken::Kind::Customer;
    token.account = row.get<2>().isNull() ? "" : row.get<2>().value();
    token.label = row.get<3>();
    token.names = split(row.get<4>());
    token.subtrees = split(row.get<5>());
    token.kinds = static_cast<unsigned>(row.get<6>());
    token.write = row.get<7>() != 0;
    for (const auto& text : split(row.get<8>()))
        if (auto parsed = core::parse_cidr(text); parsed.cidr) token.networks.push_back(*parsed.cidr);
    if (row.get<9>() != 0) token.expires = time_of(row.get<9>());
    token.created = time_of(row.get<10>());
    return token;
}

} // namespace

std::pair<core::ApiToken, std::string> Store::create_api_token(core::ApiToken token) {
    std::string secret = std::string(core::kApiTokenPrefix) + new_token_secret(32);
    token.created = std::chrono::system_clock::now();
    if (token.kind == core::ApiToken::Kind::Provisioning) token.account.clear();
    std::vector<std::string> networks;
    for (const auto& network : token.networks) networks.push_back(network.to_string());
    guarded("create the API token", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Nullable<std::string> account;
        if (!token.account.empty()) {
            token.account = account_name(token.account);
            if (impl_->stored_hash(session, token.account).empty()) throw StoreError("no account '" + token.account + "'");
            account = token.account;
        }
        Poco::Int64 id = 0;
        session << impl_->sql("INSERT INTO api_tokens(kind, account, label, secret_hash, names, subtrees, kinds, writable, "
                              "networks, expires_ms, created_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            bind(std::string(core::kind_name(token.kind))), bind(account), bind(token.label), bind(token_hash(secret)),
            bind(joined(token.names)), bind(joined(token.subtrees)), bind(static_cast<int>(token.kinds)),
            bind(token.write ? 1 : 0), bind(joined(networks)),
            bind(static_cast<Poco::Int64>(token.expires ? ms_of(*token.expires) : 0)),
            bind(static_cast<Poco::Int64>(ms_of(token.created))), into(id), now;
        token.id = id;
    });
    return {token, secret};
}

std::optional<core::ApiToken> Store::find_api_token(const std::string& secret) const {
    if (!secret.starts_with(core::kApiTokenPrefix) || secret.size() > core::kMaxPasswordLength) return std::nullopt;
    return guarded("read the API tokens", [&]() -> std::optional<core::ApiToken> {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Row> rows;
        session << impl_->sql(std::string("SELECT ") + kColumns + " FROM api_tokens WHERE secret_hash = ?"),
            bind(token_hash(secret)), into(rows), now;
        if (rows.empty()) return std::nullopt;
        return token_of(rows.front());
    });
}

std::vector<core::ApiToken> Store::list_api_tokens(const std::optional<std::string>& account) const {
    return guarded("read the API tokens", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<Row> rows;
        if (!account)
            session << impl_->sql(std::string("SELECT ") + kColumns + " FROM api_tokens ORDER BY id"), into(rows), now;
        else if (account->empty())
            session << impl_->sql(std::string("SELECT ") + kColumns + " FROM api_tokens WHERE account IS NULL ORDER BY id"),
                into(rows), now;
        else
            session << impl_->sql(std::string("SELECT ") + kColumns + " FROM api_tokens WHERE account = ? ORDER BY id"),
                bind(lower(*account)), into(rows), now;
        std::vector<core::ApiToken> tokens;
        for (const auto& row : rows) tokens.push_back(token_of(row));
        return tokens;
    });
}

void Store::revoke_api_token(std::int64_t id) {
    guarded("revoke the API token", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Data::Statement remove(session);
        remove << impl_->sql("DELETE FROM api_tokens WHERE id = ?"), bind(static_cast<Poco::Int64>(id));
        if (remove.execute() == 0) throw StoreError("no API token " + std::to_string(id));
    });
}

} // namespace dyndns::store
