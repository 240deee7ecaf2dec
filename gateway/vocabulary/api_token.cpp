// The scope rules of API tokens, in one place for the core, the store and dyndnsctl.
#include "vocabulary/api_token.h"

#include <algorithm>

#include <Poco/StringTokenizer.h>

namespace dyndns::core {

bool ApiToken::covers(const std::string& name) const {
    if (names.empty() && subtrees.empty()) return true;
    if (std::find(names.begin(), names.end(), name) != names.end()) return true;
    return std::any_of(subtrees.begin(), subtrees.end(),
                       [&](const std::string& top) { return name == top || name.ends_with("." + top); });
}

bool ApiToken::allows(Need need) const {
    if ((kinds & static_cast<unsigned>(need.kind)) == 0) return false;
    return write || !need.write;
}

bool ApiToken::reachable_from(const std::optional<Poco::Net::IPAddress>& caller) const {
    if (networks.empty()) return true;
    if (!caller) return false;
    return std::any_of(networks.begin(), networks.end(), [&](const Cidr& network) { return network.contains(*caller); });
}

std::optional<RecordKind> record_kind(const std::string& word) {
    if (word == "address") return RecordKind::Address;
    if (word == "prefix") return RecordKind::Prefix;
    if (word == "acme") return RecordKind::Acme;
    return std::nullopt;
}

std::optional<unsigned> record_kinds(const std::string& comma_list) {
    unsigned kinds = 0;
    Poco::StringTokenizer words(comma_list, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& word : words) {
        const auto kind = record_kind(word);
        if (!kind) return std::nullopt;
        kinds |= static_cast<unsigned>(*kind);
    }
    if (kinds == 0) return std::nullopt;
    return kinds;
}

std::string record_kinds_text(unsigned kinds) {
    std::string text;
    for (const auto& [kind, word] : {std::pair{RecordKind::Address, "address"}, std::pair{RecordKind::Prefix, "prefix"},
                                     std::pair{RecordKind::Acme, "acme"}})
        if (kinds & static_cast<unsigned>(kind)) text += (text.empty() ? "" : ",") + std::string(word);
    return text;
}

const char* kind_name(ApiToken::Kind kind) { return kind == ApiToken::Kind::Customer ? "customer" : "provisioning"; }

} // namespace dyndns::core
