// Scope checks for new API tokens: names are host names of the account's own domains, lists are bounded, the label is plain text.
#include "core/api_tokens.h"

#include <Poco/NumberParser.h>

#include "vocabulary/names.h"
#include "vocabulary/printable.h"

namespace dyndns::core {
namespace {

// Each name canonical and the account's; the first that is not, named.
std::optional<std::string> owned_names(std::vector<std::string>& names, const std::string& account, const DomainPort& domains) {
    for (std::string& raw : names) {
        const auto name = host_name(raw);
        if (!name) return "'" + printable(raw.substr(0, 64)) + "' is not a host name";
        const auto domain = domains.owning_domain(*name);
        if (!domain || domain->account != account) return "'" + *name + "' is not a name of account '" + account + "'";
        raw = *name;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::chrono::system_clock::time_point> expiry_after_days(const std::string& days,
                                                                       std::chrono::system_clock::time_point now) {
    unsigned count = 0;
    if (!Poco::NumberParser::tryParseUnsigned(days, count) || count == 0 || count > kMaxTokenExpiryDays) return std::nullopt;
    return now + std::chrono::hours(24) * count;
}

std::variant<ApiToken, std::string> vetted_api_token(ApiToken token, const DomainPort& domains,
                                                     std::chrono::system_clock::time_point now) {
    if (token.label.size() > kMaxTokenLabel) return "the label is longer than " + std::to_string(kMaxTokenLabel) + " bytes";
    if (printable(token.label) != token.label) return std::string("the label holds control characters");
    if (token.networks.size() > kMaxScopeEntries) return "at most " + std::to_string(kMaxScopeEntries) + " networks";
    if (token.expires && *token.expires <= now) return std::string("the expiry has passed");
    if (token.kind == ApiToken::Kind::Provisioning) {
        if (!token.names.empty() || !token.subtrees.empty()) return std::string("a provisioning token has no names");
        token.account.clear();
        token.kinds = 0;
        token.write = true;
        return token;
    }
    if (token.account.empty()) return std::string("a customer token belongs to an account");
    token.account = lower(token.account);
    if (token.names.size() > kMaxScopeEntries || token.subtrees.size() > kMaxScopeEntries)
        return "at most " + std::to_string(kMaxScopeEntries) + " names and " + std::to_string(kMaxScopeEntries) + " subtrees";
    if (token.kinds == 0 || (token.kinds & ~kAllRecordKinds) != 0) return std::string("give at least one record kind");
    if (auto refused = owned_names(token.names, token.account, domains)) return *refused;
    if (auto refused = owned_names(token.subtrees, token.account, domains)) return *refused;
    return token;
}

} // namespace dyndns::core
