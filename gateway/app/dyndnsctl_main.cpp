// dyndnsctl: the admin command: accounts, domains and the dyndns switch in the store; `dns show` and `dns check` ask the primary.
#include <algorithm>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/config_summary.h"
#include "app/version.h"
#include "app/store_commands.h"
#include "app/zone_check.h"
#include "config/gateway_config.h"

namespace {

constexpr const char* kUsage =
    "usage: dyndnsctl --config FILE COMMAND   (or --help, --version)\n"
    "commands:\n"
    "  account add NAME           create an account; the password comes from stdin or a prompt\n"
    "  account passwd NAME        change its password (stdin or a prompt)\n"
    "  account del NAME           delete the account and its domains\n"
    "  domain add DOMAIN --account NAME [--force]\n"
    "                             give DOMAIN to an account, dyndns off, once `dns check DOMAIN` passes\n"
    "                             (--force: without the check)\n"
    "  domain import FILE [--dyndns]  many domains at once, \"DOMAIN ACCOUNT\" a line, in one transaction\n"
    "                             (no dns check: run it on a sample); --dyndns turns dyndns on for them\n"
    "  domain del DOMAIN          remove the domain (its DNS records stay as they are)\n"
    "  dyndns on|off DOMAIN       the control panel's dyndns checkbox; effective on the next call\n"
    "  token new NAME             a per-host token for dyndns2 clients: updates NAME only; printed once, last line\n"
    "  token list [DOMAIN]        tokens (never their secrets)\n"
    "  token revoke ID            the token stops working at once\n"
    "  api-token new --account NAME [--name HOST]... [--subtree DOMAIN]... [--kinds address,prefix,acme]\n"
    "                [--read-only] [--network CIDR]... [--expires-days N] [--label TEXT]\n"
    "                             a JSON API token with that scope (default: every name, every kind,\n"
    "                             read-write, from anywhere, no expiry); printed once, last line\n"
    "  api-token new --provisioning [--network CIDR]... [--expires-days N] [--label TEXT]\n"
    "                             a token for the provider's panel: accounts, domains, dyndns on/off\n"
    "  api-token list [ACCOUNT]   API tokens and their scopes (never their secrets)\n"
    "  api-token revoke ID        the API token stops working at once\n"
    "  webhook add ACCOUNT URL [--domain DOMAIN]\n"
    "                             POST a signed event to URL (https) after each change of the account's\n"
    "                             (or DOMAIN's) names; the signing secret is printed once, last line\n"
    "  webhook list [ACCOUNT]     webhooks (never their secrets)\n"
    "  webhook remove ID          the webhook and its queued deliveries are deleted\n"
    "  webhook deliveries ID [--limit N]  its last deliveries (default 20): event, status, attempts, error\n"
    "  domain prefix-length DOMAIN N  fix the router prefix DOMAIN's hosts move into to a /N (48..64);\n"
    "                             0: the length the router sends\n"
    "  host set NAME RULE         NAME's AAAA follows its router's prefix: RULE is an interface identifier\n"
    "                             (::a:b:c:d), a MAC address (EUI-64) or preserve\n"
    "  host del NAME              NAME no longer follows the prefix (its AAAA stays)\n"
    "  host list DOMAIN           DOMAIN's prefix length and host rules\n"
    "  totp status ACCOUNT        whether the account's panel logins ask for a TOTP code, recovery codes left\n"
    "  totp reset ACCOUNT         turn its two-factor authentication off (lost phone and recovery codes);\n"
    "                             the customer sets it up again in the panel\n"
    "  list                       accounts and their domains\n"
    "  history [DOMAIN] [--limit N]   recent updates, newest first (default 50)\n"
    "  check                      validate the configuration and show it (no secrets)\n"
    "  dns check DOMAIN           prove DOMAIN's primary serves the zone with authority and lets the key\n"
    "                             update A, AAAA and TXT there, without changing the zone\n"
    "  dns show NAME [TYPE]       read NAME's TYPE records (default A and AAAA) from the DNS primary,\n"
    "                             signed with the gateway's TSIG key: proves key and reachability\n"
    "exit codes: 0 ok, 1 bad configuration, 2 bad usage, 3 refused by the store (exists, missing, invalid),\n"
    "            4 the DNS primary failed or refused\n";

std::optional<dyndns::dns::RRType> parse_type(const std::string& text) {
    using dyndns::dns::RRType;
    for (RRType type : {RRType::A, RRType::AAAA, RRType::MX, RRType::NS, RRType::SOA, RRType::TXT, RRType::CNAME})
        if (dyndns::dns::rr_type_name(type) == text) return type;
    return std::nullopt;
}

int dns_show(const dyndns::config::GatewayConfig& config, const std::string& name, const std::vector<std::string>& types) {
    const auto primaries = dyndns::app::make_primaries(config);
    const auto& client = primaries.for_name(name);
    int status = 0;
    for (const std::string& type_text : types) {
        const auto type = parse_type(type_text);
        if (!type) {
            std::cerr << "dyndnsctl: unknown record type '" << type_text << "'\n";
            return 2;
        }
        try {
            const auto result = client.read(name, *type);
            if (!result.outcome.ok()) {
                std::cerr << "dyndnsctl: " << type_text << ": " << result.outcome.message << '\n';
                status = 4;
                continue;
            }
            if (result.rrset.rdata.empty()) std::cout << name << " " << type_text << ": none\n";
            for (const auto& rdata : result.rrset.rdata)
                std::cout << name << " " << result.rrset.ttl << " " << type_text << " " << rdata << '\n';
        } catch (const std::invalid_argument& e) {
            std::cerr << "dyndnsctl: " << e.what() << '\n';
            return 2;
        }
    }
    return status;
}

// Prints each problem; 0 when there is none, 4 otherwise.
int dns_check(const dyndns::config::GatewayConfig& config, const std::string& zone) {
    const auto problems = dyndns::app::zone_problems(dyndns::app::make_primaries(config), zone);
    for (const auto& problem : problems) std::cerr << "dyndnsctl: " << problem << '\n';
    if (!problems.empty()) return 4;
    std::cout << "zone " << zone << " is ready: served with authority, and the key may update A, AAAA and TXT\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? std::cerr : std::cout) << kUsage;
        return args.empty() ? 2 : 0;
    }
    if (args.size() == 1 && args[0] == "--version") {
        std::cout << "dyndnsctl " << dyndns::app::kVersion << '\n';
        return 0;
    }
    if (args.size() < 3 || args[0] != "--config") {
        std::cerr << kUsage;
        return 2;
    }
    dyndns::config::GatewayConfig config;
    try {
        config = dyndns::config::load_config(args[1]);
    } catch (const dyndns::config::ConfigError& e) {
        std::cerr << "dyndnsctl: " << e.what() << '\n';
        return 1;
    }
    const std::vector<std::string> command(args.begin() + 2, args.end());
    if (command == std::vector<std::string>{"check"}) {
        std::cout << dyndns::app::describe(config);
        return 0;
    }
    if (command.size() == 3 && command[0] == "dns" && command[1] == "check") return dns_check(config, command[2]);
    std::vector<std::string> store_command = command;
    if (command.size() >= 5 && command[0] == "domain" && command[1] == "add") {
        // The first customer call must not be what finds out the zone is not ready.
        const auto force = std::find(store_command.begin(), store_command.end(), "--force");
        if (force != store_command.end()) {
            store_command.erase(force);
        } else if (command.size() == 5) {
            const auto problems = dyndns::app::zone_problems(dyndns::app::make_primaries(config), command[2]);
            for (const auto& problem : problems) std::cerr << "dyndnsctl: " << problem << '\n';
            if (!problems.empty()) {
                std::cerr << "dyndnsctl: domain not added; fix the zone, or add it anyway with --force\n";
                return 4;
            }
        }
    }
    if (const int status = dyndns::app::run_store_command(config, store_command); status != -1) return status;
    if (command.size() >= 3 && command[0] == "dns" && command[1] == "show") {
        std::vector<std::string> types(command.begin() + 3, command.end());
        if (types.empty()) types = {"A", "AAAA"};
        return dns_show(config, command[2], types);
    }
    std::cerr << kUsage;
    return 2;
}
