// dyndns-gateway: the server's entry point (for now: --check-config; the HTTPS front ends come next).
#include <iostream>
#include <string>

#include "app/config_summary.h"
#include "config/gateway_config.h"

namespace {

constexpr const char* kUsage =
    "usage: dyndns-gateway --config FILE         run the gateway\n"
    "       dyndns-gateway --check-config FILE   validate FILE (and its TSIG key file), then exit\n"
    "       dyndns-gateway --help | --version\n";

// Exit codes: 0 ok, 1 bad configuration, 2 bad usage, 3 not available in this build.
int check_config(const std::string& path) {
    try {
        const auto config = dyndns::config::load_config(path);
        std::cout << path << ": configuration is valid\n" << dyndns::app::describe(config);
        return 0;
    } catch (const dyndns::config::ConfigError& e) {
        std::cerr << "dyndns-gateway: " << e.what() << '\n';
        return 1;
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
    if (argc == 3 && command == "--check-config") return check_config(argv[2]);
    if (argc == 3 && command == "--config") {
        if (const int status = check_config(argv[2]); status != 0) return status;
        std::cerr << "dyndns-gateway: this build has no HTTPS front end yet; only --check-config is available\n";
        return 3;
    }
    std::cerr << kUsage;
    return 2;
}
