// api-token new|list|revoke: options parsed here, the scope vetted by core/api_tokens (the rules the panel shares), the secret printed once, last.
#include "app/api_token_commands.h"

#include <iostream>

#include <Poco/NumberParser.h>

#include "core/api_tokens.h"
#include "vocabulary/printable.h"
#include "vocabulary/utc_time.h"

namespace dyndns::app {
namespace {

constexpr int kUsage = 2;
constexpr int kRefused = 3;

int usage(const std::string& why) {
    std::cerr << "dyndnsctl: api-token new: " << why << "\n"
              << "usage: api-token new --account NAME [--name HOST]... [--subtree DOMAIN]... [--kinds address,prefix,acme]\n"
              << "                     [--read-only] [--network CIDR]... [--expires-days N] [--label TEXT]\n"
              << "       api-token new --provisioning [--network CIDR]... [--expires-days N] [--label TEXT]\n";
    return kUsage;
}

std::string listed(const std::vector<std::string>& words) {
    std::string text;
    for (const auto& word : words) text += (text.empty() ? "" : ",") + word;
    return text;
}

// One line per token: what it may do, never its secret.
std::string described(const core::ApiToken& token) {
    std::string line = std::to_string(token.id) + "  " + core::kind_name(token.kind);
    if (token.kind == core::ApiToken::Kind::Customer) {
        line += "  account " + token.account;
        line += "  names " + (token.names.empty() && token.subtrees.empty() ? std::string("all") : listed(token.names));
        if (!token.subtrees.empty()) line += "  subtrees " + listed(token.subtrees);
        line += "  kinds " + core::record_kinds_text(token.kinds) + (token.write ? "  read-write" : "  read-only");
    }
    std::vector<std::string> networks;
    for (const auto& network : token.networks) networks.push_back(network.to_string());
    line += "  from " + (networks.empty() ? std::string("anywhere") : listed(networks));
    line += "  expires " + (token.expires ? core::utc(*token.expires, core::TimeStyle::Iso8601) : std::string("never"));
    line += "  created " + core::utc(token.created, core::TimeStyle::Iso8601);
    if (!token.label.empty()) line += "  label " + core::printable(token.label);
    return line;
}

int new_token(store::Store& db, const std::vector<std::string>& args) {
    core::ApiToken token;
    bool provisioning = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& option = args[i];
        if (option == "--provisioning") {
            provisioning = true;
            continue;
        }
        if (option == "--read-only") {
            token.write = false;
            continue;
        }
        if (i + 1 >= args.size()) return usage(option + " takes a value");
        const std::string& value = args[++i];
        if (option == "--account") {
            token.account = value;
        } else if (option == "--name") {
            token.names.push_back(value);
        } else if (option == "--subtree") {
            token.subtrees.push_back(value);
        } else if (option == "--kinds") {
            const auto kinds = core::record_kinds(value);
            if (!kinds) return usage("--kinds is a comma list of address, prefix and acme");
            token.kinds = *kinds;
        } else if (option == "--network") {
            const auto parsed = core::parse_cidr(value);
            if (!parsed.cidr) return usage("--network " + parsed.error);
            token.networks.push_back(*parsed.cidr);
        } else if (option == "--expires-days") {
            token.expires = core::expiry_after_days(value, std::chrono::system_clock::now());
            if (!token.expires) return usage("--expires-days is 1.." + std::to_string(core::kMaxTokenExpiryDays));
        } else if (option == "--label") {
            token.label = value;
        } else {
            return usage("unknown option " + core::printable(option.substr(0, 40)));
        }
    }
    if (provisioning == !token.account.empty()) return usage("give --account NAME or --provisioning");
    token.kind = provisioning ? core::ApiToken::Kind::Provisioning : core::ApiToken::Kind::Customer;
    if (!provisioning && !db.account_exists(token.account)) throw store::StoreError("no account '" + token.account + "'");
    auto vetted = core::vetted_api_token(token, db, std::chrono::system_clock::now());
    if (const auto* refused = std::get_if<std::string>(&vetted)) {
        std::cerr << "dyndnsctl: api-token new: " << *refused << '\n';
        return kRefused;
    }
    const auto [made, secret] = db.create_api_token(std::get<core::ApiToken>(vetted));
    std::cout << "API token " << described(made) << "\n"
              << "It is shown only now; send it as Authorization: Bearer. The token:\n"
              << secret << '\n';
    return 0;
}

} // namespace

int api_token_command(store::Store& db, const std::vector<std::string>& args) {
    if (!args.empty() && args[0] == "new") return new_token(db, args);
    if (!args.empty() && args[0] == "list" && args.size() <= 2) {
        const auto tokens = db.list_api_tokens(args.size() == 2 ? std::optional<std::string>(args[1]) : std::nullopt);
        if (tokens.empty()) std::cout << "no API tokens\n";
        for (const auto& token : tokens) std::cout << described(token) << '\n';
        return 0;
    }
    if (args.size() == 2 && args[0] == "revoke") {
        Poco::Int64 id = 0;
        if (!Poco::NumberParser::tryParse64(args[1], id)) {
            std::cerr << "dyndnsctl: api-token revoke takes the token's number (see api-token list)\n";
            return kUsage;
        }
        db.revoke_api_token(id);
        std::cout << "API token revoked: " << id << '\n';
        return 0;
    }
    return -1;
}

} // namespace dyndns::app
