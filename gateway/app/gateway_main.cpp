// dyndns-gateway: loads the config, opens the store, wires DNS client → core → front ends → HTTPS, serves until SIGINT/SIGTERM.
#include <csignal>
#include <iostream>
#include <string>

#include "app/config_summary.h"
#include "app/gateway_routes.h"
#include "config/gateway_config.h"
#include "core/account_service.h"
#include "core/update_core.h"
#include "http/https_server.h"
#include "store/store.h"

namespace {

constexpr const char* kUsage =
    "usage: dyndns-gateway --config FILE         run the gateway\n"
    "       dyndns-gateway --check-config FILE   validate FILE (and its TSIG key file), then exit\n"
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

std::string url_of(const std::string& address, std::uint16_t port) {
    const bool v6 = address.find(':') != std::string::npos;
    return "https://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port) + "/dom/api";
}

int serve(const dyndns::config::GatewayConfig& config) {
    // Block the stop signals before any thread starts, so every thread inherits the mask and
    // sigwait below is the only place they arrive.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a client that hangs up must not kill the server

    try {
        dyndns::store::Store store(config.store.path);
        const auto dns = dyndns::app::make_dns_client(config);
        dyndns::core::UpdateCore core({config.dns.ttl, config.allow_private_addresses, config.trusted_proxies, {}, config.dns.max_batch,
                                           config.limits.calls_per_minute, config.store.history_days}, store, dns);
        dyndns::core::AccountService accounts(store, dns, core);
        dyndns::http::HttpsServer server(config, dyndns::app::gateway_routes(core, accounts, config));
        server.start();
        for (const auto& address : config.listen.addresses)
            std::cout << "dyndns-gateway: listening on " << url_of(address, config.listen.port) << '\n';
        std::cout << std::flush;

        int received = 0;
        sigwait(&stop_signals, &received);
        std::cout << "dyndns-gateway: stopping (signal " << received << ")" << std::endl;
        server.stop();
        const auto sent = core.dns_counters();
        std::cout << "dyndns-gateway: " << sent.changes << " DNS changes sent in " << sent.messages << " UPDATE messages"
                  << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "dyndns-gateway: cannot start: " << e.what() << '\n';
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
        std::cout << "dyndns-gateway 0.1.0\n";
        return 0;
    }
    if (argc == 3 && (command == "--check-config" || command == "--config")) {
        const auto config = load(argv[2]);
        if (!config) return 1;
        if (command == "--config") return serve(*config);
        std::cout << argv[2] << ": configuration is valid\n" << dyndns::app::describe(*config);
        return 0;
    }
    std::cerr << kUsage;
    return 2;
}
