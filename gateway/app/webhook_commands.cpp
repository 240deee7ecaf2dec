// webhook add|list|remove|deliveries: arguments parsed here, the rules in core/webhook_registration, the secret printed once, last.
#include "app/webhook_commands.h"

#include <iostream>

#include <Poco/NumberParser.h>

#include "core/webhook_registration.h"
#include "vocabulary/printable.h"
#include "vocabulary/utc_time.h"

namespace dyndns::app {
namespace {

constexpr int kUsage = 2;
constexpr int kRefused = 3;
constexpr unsigned kDefaultDeliveries = 20;
constexpr unsigned kMaxDeliveries = 1000;

int usage(const std::string& why) {
    std::cerr << "dyndnsctl: webhook: " << why << "\n"
              << "usage: webhook add ACCOUNT URL [--domain DOMAIN]\n"
              << "       webhook list [ACCOUNT]\n"
              << "       webhook remove ID\n"
              << "       webhook deliveries ID [--limit N]\n";
    return kUsage;
}

std::optional<std::int64_t> number(const std::string& text, std::int64_t max) {
    Poco::Int64 value = 0;
    if (!Poco::NumberParser::tryParse64(text, value) || value < 1 || value > max) return std::nullopt;
    return value;
}

int add(store::Store& db, const config::GatewayConfig& config, const std::vector<std::string>& args) {
    if (args.size() != 3 && !(args.size() == 5 && args[3] == "--domain")) return usage("add takes ACCOUNT URL [--domain DOMAIN]");
    const std::string domain = args.size() == 5 ? args[4] : "";
    auto made = core::register_webhook(db, args[1], domain, args[2], config.webhooks.allow_private_addresses);
    if (const auto* refused = std::get_if<std::string>(&made)) {
        std::cerr << "dyndnsctl: webhook refused: " << *refused << '\n';
        return kRefused;
    }
    const auto& [webhook, secret] = std::get<std::pair<core::Webhook, std::string>>(made);
    std::cout << "webhook " << webhook.id << " for " << (webhook.domain.empty() ? "every domain" : webhook.domain)
              << " of account " << webhook.account << '\n';
    std::cout << "its signing secret, shown this once (docs/webhooks.md says how to verify a delivery):\n" << secret << '\n';
    return 0;
}

int list(store::Store& db, const std::vector<std::string>& args) {
    if (args.size() > 2) return usage("list takes at most an ACCOUNT");
    const auto webhooks = args.size() == 2 ? db.list_webhooks(args[1]) : db.list_webhooks();
    if (webhooks.empty()) std::cout << "no webhooks\n";
    for (const auto& webhook : webhooks)
        std::cout << webhook.id << "  account " << webhook.account << "  "
                  << (webhook.domain.empty() ? std::string("all domains") : "domain " + webhook.domain) << "  "
                  << core::printable(webhook.url) << "  created " << core::utc(webhook.created, core::TimeStyle::Iso8601) << '\n';
    return 0;
}

int deliveries(store::Store& db, const std::vector<std::string>& args) {
    if (args.size() != 2 && !(args.size() == 4 && args[2] == "--limit")) return usage("deliveries takes ID [--limit N]");
    const auto id = number(args[1], INT64_MAX);
    if (!id) return usage("ID is a webhook's number");
    std::int64_t limit = kDefaultDeliveries;
    if (args.size() == 4) {
        const auto given = number(args[3], kMaxDeliveries);
        if (!given) return usage("--limit is 1.." + std::to_string(kMaxDeliveries));
        limit = *given;
    }
    const auto rows = db.webhook_deliveries(*id, static_cast<std::size_t>(limit));
    if (rows.empty()) std::cout << "no deliveries\n";
    for (const auto& row : rows) {
        const auto created = std::chrono::system_clock::time_point(std::chrono::milliseconds(row.created_ms));
        std::cout << row.event_id << "  " << core::delivery_status_name(row.status) << "  attempts " << row.attempts
                  << "  created " << core::utc(created, core::TimeStyle::Iso8601);
        if (row.last_status_code != 0) std::cout << "  HTTP " << row.last_status_code;
        if (!row.last_error.empty()) std::cout << "  " << core::printable(row.last_error);
        std::cout << '\n';
    }
    return 0;
}

} // namespace

int webhook_command(store::Store& db, const config::GatewayConfig& config, const std::vector<std::string>& args) {
    if (args.empty()) return usage("which command?");
    if (args[0] == "add") return add(db, config, args);
    if (args[0] == "list") return list(db, args);
    if (args[0] == "deliveries") return deliveries(db, args);
    if (args[0] == "remove") {
        if (args.size() != 2) return usage("remove takes ID");
        const auto id = number(args[1], INT64_MAX);
        if (!id) return usage("ID is a webhook's number");
        db.delete_webhook(*id);
        std::cout << "webhook removed: " << *id << " (and its deliveries)\n";
        return 0;
    }
    return -1;
}

} // namespace dyndns::app
