// dyndns-gateway: loads the config, opens the store, wires DNS client → core → front ends → HTTPS, serves until SIGINT/SIGTERM; SIGHUP reloads.
#include <csignal>
#include <iostream>
#include <optional>
#include <string>

#include <Poco/Exception.h>
#include <systemd/sd-daemon.h>

#include "app/health_gauges.h"
#include "app/config_summary.h"
#include "app/config_reload.h"
#include "app/core_settings.h"
#include "app/gateway_routes.h"
#include "app/operations_routes.h"
#include "app/store_location.h"
#include "app/version.h"
#include "app/webhook_settings.h"
#include "config/config_docs.h"
#include "config/gateway_config.h"
#include "core/account_service.h"
#include "core/update_core.h"
#include "http/http_server.h"
#include "log/log.h"
#include "metrics/gateway_metrics.h"
#include "store/store.h"
#include "webhooks/webhook_senders.h"

namespace {

constexpr const char* kUsage =
    "usage: dyndns-gateway --config FILE         run the gateway (SIGHUP reloads FILE and the TLS certificate)\n"
    "       dyndns-gateway --check-config FILE   validate FILE (and its TSIG key file), then exit\n"
    "       dyndns-gateway --print-example-config    the commented example configuration, every key\n"
    "       dyndns-gateway --print-config-reference  the KEYS section of dyndns-gateway.yaml(5), roff\n"
    "       dyndns-gateway --help | --version\n"
    "exit codes: 0 ok, 1 bad configuration, 2 bad usage, 3 cannot start (store, TLS files, listen address)\n";

std::optional<dyndns::config::GatewayConfig> load(const std::string& path) {
    try {
        return dyndns::config::load_config(path);
    } catch (const dyndns::config::ConfigError& e) {
        std::cerr << "dyndns-gateway: " << e.what() << '\n';
        return std::nullopt;
    }
}

std::string url_of(const std::string& scheme, const std::string& address, std::uint16_t port, const std::string& path) {
    const bool v6 = address.find(':') != std::string::npos;
    return scheme + "://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port) + path;
}

// With dns.notify_listen, the dyndns zones are followed from the start: their transfers run in
// the background while the first calls still read from the primary.
std::shared_ptr<dyndns::dns::ZoneFollower> make_zone_follower(const dyndns::config::GatewayConfig& config,
                                                              const dyndns::dns::Primaries& primaries,
                                                              dyndns::store::Store& store) {
    if (config.dns.notify_listen.empty()) return nullptr;
    dyndns::dns::FollowSettings settings;
    settings.notify_listen = config.dns.notify_listen;
    settings.refresh = config.dns.zone_refresh;
    settings.max_zone_records = config.dns.max_zone_records;
    auto follower = std::make_shared<dyndns::dns::ZoneFollower>(primaries, settings);
    follower->start();
    std::size_t zones = 0;
    for (const auto& domain : store.list_domains())
        if (domain.dyndns) {
            follower->follow(domain.name);
            ++zones;
        }
    dyndns::log::notice("following " + std::to_string(zones) + " dyndns zones; NOTIFY on " + config.dns.notify_listen);
    return follower;
}

int serve(const std::string& path, dyndns::config::GatewayConfig config) {
    // Block the signals before any thread starts, so every thread inherits the mask and sigwait
    // below is the only place they arrive.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up must not kill the server
    dyndns::log::set_level(static_cast<dyndns::log::Level>(config.log.level));

    try {
        // A session for each worker, the history writer, the health check and each webhook sender.
        dyndns::store::Store store(
            dyndns::app::store_location(config.store, config.limits.max_threads + 2 + config.webhooks.senders));
        dyndns::log::notice("store: " + store.description());
        const auto dns = dyndns::app::make_primaries(config);
        const auto follower = make_zone_follower(config, dns, store);
        dyndns::core::UpdateCore core(dyndns::app::core_settings(config), store, dns, follower);
        dyndns::core::AccountService accounts(store, dns, core);
        dyndns::core::ProvisioningService provisioning(store, store);
        dyndns::app::HealthGauges health(store, dns); // before the listener that scrapes it
        health.apply(config);
        // The metrics listener is bound first: once the public port accepts, health checks do too.
        std::unique_ptr<dyndns::http::HttpServer> operations;
        if (config.metrics.enabled)
            operations = std::make_unique<dyndns::http::HttpServer>(dyndns::http::metrics_listener(config),
                                                                    dyndns::app::operations_routes(store, dns, follower));
        dyndns::http::HttpServer server(dyndns::http::public_listener(config),
                                        dyndns::app::gateway_routes(core, accounts, provisioning, config));
        dyndns::metrics::gateway_metrics()
            .registry.gauge("dyndns_build_info", "The running build; the value is always 1.", {"version"})
            .with({dyndns::app::kVersion})
            .set(1);
        // Scraped only through `operations`, which stops before `core` goes.
        dyndns::metrics::gateway_metrics().registry.gauge_callback(
            "dyndns_history_queue_depth", "History rows answered but not yet written to the store.",
            [&core] { return static_cast<double>(core.history_queue_depth()); });

        if (follower) {
            dyndns::metrics::gateway_metrics().registry.gauge_callback(
                "dyndns_followed_zones", "Zones the gateway follows (AXFR, then IXFR on NOTIFY).",
                [&follower] { return static_cast<double>(follower->zones()); });
            dyndns::metrics::gateway_metrics().registry.gauge_callback(
                "dyndns_followed_zones_in_step", "Followed zones whose records are answered without a read from the primary.",
                [&follower] { return static_cast<double>(follower->zones_in_step()); });
        }

        const dyndns::webhooks::WebhookSenders webhook_senders(store, dyndns::app::senders_settings(config));

        server.start();
        if (operations) operations->start();
        for (const auto& address : config.listen.addresses)
            dyndns::log::notice("listening on " + url_of("https", address, config.listen.port, "/dom/api"));
        if (operations)
            dyndns::log::notice("metrics and health on " +
                                url_of("http", config.metrics.address, config.metrics.port, "/metrics"));
        sd_notify(0, "READY=1\nSTATUS=serving");

        int received = 0;
        for (;;) {
            sigwait(&signals, &received);
            if (received != SIGHUP) break;
            dyndns::app::reload(path, config, server, operations.get(), core);
            health.apply(config);
        }
        sd_notify(0, "STOPPING=1");
        dyndns::log::notice("stopping (signal " + std::to_string(received) + ")");
        server.stop();
        if (operations) operations->stop();
        if (follower) follower->stop();
        const auto sent = core.dns_counters();
        dyndns::log::notice(std::to_string(sent.changes) + " DNS changes sent in " + std::to_string(sent.messages) +
                            " UPDATE messages");
        return 0;
    } catch (const Poco::Exception& e) {
        // Its what() is only its class ("Net Exception"); displayText() has the message too.
        dyndns::log::error("cannot start: " + e.displayText());
        return 3;
    } catch (const std::exception& e) {
        dyndns::log::error(std::string("cannot start: ") + e.what());
        return 3;
    }
}

} // namespace

int main(int argc, char** argv) {
    const std::string command = argc > 1 ? argv[1] : "";
    if (command == "--help" || command == "-h") {
        std::cout << kUsage;
        return 0;
    }
    if (command == "--version") {
        std::cout << "dyndns-gateway " << dyndns::app::kVersion << '\n';
        return 0;
    }
    if (command == "--print-example-config") {
        std::cout << dyndns::config::example_yaml();
        return 0;
    }
    if (command == "--print-config-reference") {
        std::cout << dyndns::config::man_keys_section();
        return 0;
    }
    if (argc == 3 && (command == "--check-config" || command == "--config")) {
        const auto config = load(argv[2]);
        if (!config) return 1;
        if (command == "--config") return serve(argv[2], *config);
        std::cout << argv[2] << ": configuration is valid\n" << dyndns::app::describe(*config);
        return 0;
    }
    std::cerr << kUsage;
    return 2;
}
