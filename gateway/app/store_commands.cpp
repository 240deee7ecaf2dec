// Each store command: parse its words, call the store once, print a one-line confirmation or a clear error.
#include "app/store_commands.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/api_token_commands.h"
#include "app/webhook_commands.h"
#include "app/password_input.h"
#include "app/store_location.h"
#include "core/host_rules.h"
#include "vocabulary/interface_id.h"
#include "vocabulary/names.h"
#include "vocabulary/printable.h"
#include "vocabulary/utc_time.h"
#include "store/store.h"

namespace dyndns::app {
namespace {

constexpr int kUsage = 2;
constexpr int kRefused = 3;

// `domain import FILE [--dyndns]`: one "DOMAIN ACCOUNT" pair a line; blank lines and '#' comments
// are skipped. All in one transaction, so 10,000 domains take seconds, not 10,000 journal syncs.
int import_domains(store::Store& db, const std::string& path, bool dyndns) {
    std::ifstream in(path);
    if (!in) {
        std::cerr << "dyndnsctl: cannot read " << path << '\n';
        return kRefused;
    }
    std::vector<std::pair<std::string, std::string>> domains;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        std::istringstream fields(line);
        std::string domain, account, extra;
        if (!(fields >> domain)) continue;
        if (!(fields >> account) || (fields >> extra)) {
            std::cerr << "dyndnsctl: " << path << ":" << number << ": expected DOMAIN ACCOUNT\n";
            return kRefused;
        }
        domains.emplace_back(domain, account);
    }
    const std::size_t added = db.add_domains(domains, dyndns);
    std::cout << "domains imported: " << added << " added, " << domains.size() - added << " already there"
              << (dyndns ? " (dyndns on for the added)" : " (dyndns off)") << '\n';
    return 0;
}

int list(store::Store& db) {
    const auto accounts = db.list_accounts();
    if (accounts.empty()) std::cout << "no accounts\n";
    for (const auto& account : accounts) {
        std::cout << account << '\n';
        for (const auto& domain : db.list_domains(account))
            std::cout << "  " << domain.name << "  dyndns " << (domain.dyndns ? "on" : "off") << '\n';
    }
    return 0;
}

int history(store::Store& db, const std::vector<std::string>& args) {
    std::optional<std::string> domain;
    std::size_t limit = 50;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--limit" && i + 1 < args.size()) {
            try {
                limit = std::stoul(args[++i]);
            } catch (const std::exception&) {
                std::cerr << "dyndnsctl: --limit takes a number\n";
                return kUsage;
            }
        } else if (!domain && args[i].rfind("--", 0) != 0) {
            domain = args[i];
        } else {
            std::cerr << "dyndnsctl: usage: history [DOMAIN] [--limit N]\n";
            return kUsage;
        }
    }
    const auto entries = db.history(domain, limit);
    if (entries.empty()) std::cout << "no history\n";
    // Every stored field printed through printable(): rows hold what callers sent, and a terminal
    // must not obey it (rows written before the User-Agent was cleaned on input included).
    const auto shown = [](const std::string& field) { return field.empty() ? std::string("-") : core::printable(field); };
    for (const auto& e : entries) {
        std::cout << core::utc(e.time, core::TimeStyle::Iso8601) << "  " << shown(e.name) << ' ' << shown(e.type) << ' '
                  << shown(e.old_address) << " -> " << shown(e.new_address) << "  " << shown(e.outcome) << "  from "
                  << shown(e.caller_address) << " via " << shown(e.protocol);
        if (!e.user_agent.empty()) std::cout << " (" << core::printable(e.user_agent) << ")";
        if (!e.prefix.empty()) std::cout << " moved by prefix " << core::printable(e.prefix);
        if (e.calls > 1) std::cout << "  " << e.calls << " calls until " << core::utc(e.last_time, core::TimeStyle::Iso8601);
        std::cout << '\n';
    }
    return 0;
}

// Through the same rules as SetDyndnsHost and the panel (core/host_rules.h).
int set_host_rule(store::Store& db, const std::string& raw_name, const std::string& text) {
    const auto name = core::host_name(raw_name);
    const auto domain = name ? db.owning_domain(*name) : std::nullopt;
    if (!domain) throw store::StoreError("'" + core::printable(raw_name) + "' is not under any registered domain");
    const auto saved = core::save_host_rule(db, *domain, *name, text);
    if (const auto* refused = std::get_if<core::UpdateError>(&saved)) {
        std::cerr << "dyndnsctl: " << refused->message << '\n';
        return kRefused;
    }
    std::cout << "host rule set: " << *name << " " << std::get<core::HostRuleResult>(saved).rule << " (domain " << domain->name
              << "); its AAAA follows the next prefix the router sends\n";
    return 0;
}

int set_prefix_length(store::Store& db, const std::string& domain, const std::string& text) {
    unsigned length = 0;
    try {
        std::size_t used = 0;
        length = static_cast<unsigned>(std::stoul(text, &used));
        if (used != text.size()) throw std::invalid_argument(text);
    } catch (const std::exception&) {
        length = 1; // refused below
    }
    if (length != 0 && (length < core::kShortestPrefix || length > core::kLongestPrefix)) {
        std::cerr << "dyndnsctl: the prefix length is " << core::kShortestPrefix << ".." << core::kLongestPrefix
                  << ", or 0 for the router's\n";
        return kUsage;
    }
    db.set_prefix_length(domain, length);
    std::cout << "prefix length of " << domain << ": " << (length ? "/" + std::to_string(length) : "as the router sends it")
              << '\n';
    return 0;
}

// `totp status ACCOUNT` and `totp reset ACCOUNT`: what an operator sees of a customer's second
// factor (never its secret), and its removal for a customer who lost both phone and recovery codes.
int totp_command(store::Store& db, const std::string& verb, const std::string& account) {
    if (!db.account_exists(account)) throw store::StoreError("no account '" + account + "'");
    const auto state = db.totp(account);
    if (verb == "status") {
        if (!state)
            std::cout << account << ": two-factor authentication off\n";
        else if (!state->enabled)
            std::cout << account << ": two-factor authentication off (set-up started, waiting for the app's first code)\n";
        else
            std::cout << account << ": two-factor authentication on, " << state->recovery_codes_left << " recovery codes left\n";
        return 0;
    }
    db.remove_totp(account);
    std::cout << "two-factor authentication reset: " << account
              << (state && state->enabled ? " logs in to the panel with the password alone until it is set up again\n"
                                          : " had none on; nothing else changed\n");
    return 0;
}

int dispatch(store::Store& db, const std::vector<std::string>& c) {
    const auto is = [&](std::initializer_list<const char*> words, std::size_t size) {
        if (c.size() != size) return false;
        std::size_t i = 0;
        for (const char* w : words)
            if (c[i++] != w) return false;
        return true;
    };
    if (is({"account", "add"}, 3) || is({"account", "passwd"}, 3)) {
        const bool adding = c[1] == "add";
        if (!adding && !db.account_exists(c[2])) throw store::StoreError("no account '" + c[2] + "'");
        const auto password = read_new_password(c[2]);
        if (!password) return kRefused;
        if (adding)
            db.add_account(c[2], *password);
        else
            db.set_password(c[2], *password);
        std::cout << (adding ? "account added: " : "password changed: ") << c[2] << '\n';
        return 0;
    }
    if (is({"account", "del"}, 3)) {
        db.delete_account(c[2]);
        std::cout << "account deleted with its domains: " << c[2] << '\n';
        return 0;
    }
    if (is({"domain", "add"}, 5) && c[3] == "--account") {
        db.add_domain(c[2], c[4]);
        std::cout << "domain added: " << c[2] << " (account " << c[4] << ", dyndns off)\n";
        return 0;
    }
    if (is({"domain", "import"}, 3) || (is({"domain", "import"}, 4) && c[3] == "--dyndns"))
        return import_domains(db, c[2], c.size() == 4);
    if (is({"domain", "del"}, 3)) {
        db.delete_domain(c[2]);
        std::cout << "domain deleted: " << c[2] << '\n';
        return 0;
    }
    if ((is({"dyndns", "on"}, 3) || is({"dyndns", "off"}, 3))) {
        db.set_dyndns(c[2], c[1] == "on");
        std::cout << "dyndns " << c[1] << ": " << c[2] << '\n';
        return 0;
    }
    if (is({"token", "new"}, 3)) {
        const auto [token, secret] = db.create_token(c[2]);
        std::cout << "token " << token.id << " for " << token.name << " (domain " << token.domain
                  << "); it is shown only now. dyndns2 user name: " << token.name << ", password:\n"
                  << secret << '\n';
        return 0;
    }
    if (c.size() >= 2 && c.size() <= 3 && c[0] == "token" && c[1] == "list") {
        const auto tokens = db.list_tokens(c.size() == 3 ? std::optional<std::string>(c[2]) : std::nullopt);
        if (tokens.empty()) std::cout << "no tokens\n";
        for (const auto& t : tokens)
            std::cout << t.id << "  " << t.name << "  created " << core::utc(t.created, core::TimeStyle::Iso8601) << '\n';
        return 0;
    }
    if (is({"token", "revoke"}, 3)) {
        std::int64_t id = 0;
        try {
            id = std::stoll(c[2]);
        } catch (const std::exception&) {
            std::cerr << "dyndnsctl: token revoke takes the token's number (see token list)\n";
            return kUsage;
        }
        db.revoke_token(id);
        std::cout << "token revoked: " << id << '\n';
        return 0;
    }
    if (is({"host", "set"}, 4)) return set_host_rule(db, c[2], c[3]);
    if (is({"host", "del"}, 3)) {
        if (!db.remove_host_rule(c[2])) throw store::StoreError("'" + c[2] + "' has no host rule");
        std::cout << "host rule removed: " << c[2] << " (its AAAA stays as it is)\n";
        return 0;
    }
    if (is({"host", "list"}, 3)) {
        const auto domain = db.find_domain(c[2]);
        if (!domain) throw store::StoreError("no domain '" + c[2] + "'");
        std::cout << "prefix length "
                  << (domain->prefix_length ? "/" + std::to_string(domain->prefix_length) : "as the router sends it") << '\n';
        const auto rules = db.host_rules(c[2]);
        if (rules.empty()) std::cout << "no host rules\n";
        for (const auto& rule : rules) std::cout << rule.name << "  " << rule.ipv6 << '\n';
        return 0;
    }
    if (is({"domain", "prefix-length"}, 4)) return set_prefix_length(db, c[2], c[3]);
    if (is({"totp", "status"}, 3) || is({"totp", "reset"}, 3)) return totp_command(db, c[1], c[2]);
    if (!c.empty() && c[0] == "api-token") return api_token_command(db, std::vector<std::string>(c.begin() + 1, c.end()));
    if (is({"list"}, 1)) return list(db);
    if (!c.empty() && c[0] == "history") return history(db, std::vector<std::string>(c.begin() + 1, c.end()));
    return -1;
}

} // namespace

int run_store_command(const config::GatewayConfig& config, const std::vector<std::string>& command) {
    static const std::vector<std::string> store_words{"account", "domain", "dyndns",  "token", "api-token",
                                                      "host",    "list",   "history", "totp",  "webhook"};
    if (command.empty() || std::find(store_words.begin(), store_words.end(), command[0]) == store_words.end()) return -1;
    try {
        store::Store db(store_location(config.store, 2));
        const int status = command[0] == "webhook"
                               ? webhook_command(db, config, std::vector<std::string>(command.begin() + 1, command.end()))
                               : dispatch(db, command);
        if (status == -1) {
            std::cerr << "dyndnsctl: unknown " << command[0] << " command; see dyndnsctl --help\n";
            return kUsage;
        }
        return status;
    } catch (const store::StoreError& e) {
        std::cerr << "dyndnsctl: " << e.what() << '\n';
        return kRefused;
    }
}

} // namespace dyndns::app
