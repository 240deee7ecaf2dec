// Reload is all or nothing: every new piece is built first (the file, the TLS context), then applied.
#include "app/config_reload.h"

#include <time.h>

#include <systemd/sd-daemon.h>

#include "app/core_settings.h"
#include "config/config_keys.h"
#include "log/log.h"

namespace dyndns::app {
namespace {

std::uint64_t monotonic_usec() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(now.tv_nsec) / 1000;
}

} // namespace

std::vector<std::string> restart_only_changes(const config::GatewayConfig& running, const config::GatewayConfig& next) {
    std::vector<std::string> changed;
    for (const config::KeyRow& row : config::config_keys())
        if (row.reload == config::Reload::Restart && config::value_text(row, running) != config::value_text(row, next))
            changed.emplace_back(row.path);
    return changed;
}

void reload(const std::string& path, config::GatewayConfig& running, http::HttpServer& server, http::HttpServer* operations,
            core::UpdateCore& core) {
    const std::string reloading = "RELOADING=1\nMONOTONIC_USEC=" + std::to_string(monotonic_usec());
    sd_notify(0, reloading.c_str());
    try {
        const config::GatewayConfig next = config::load_config(path);
        server.reload_tls(next.tls); // first: a certificate that will not load refuses the whole reload
        server.update_limits(next.limits);
        server.update_trusted_proxies(next.trusted_proxies);
        if (operations) operations->update_limits(http::metrics_listener(next).limits);
        log::set_level(static_cast<log::Level>(next.log.level));
        core.update_settings(core_settings(next));
        for (const auto& key : restart_only_changes(running, next))
            log::warning("reload: " + key + " changed; it takes effect after a restart");
        // What a restart would change stays as it runs, so the next reload compares with that.
        config::GatewayConfig applied = running;
        for (const config::KeyRow& row : config::config_keys())
            if (row.reload == config::Reload::OnSighup) config::copy_key(row, next, applied);
        running = applied;
        log::notice("reloaded " + path + " and the TLS certificate " + next.tls.certificate);
    } catch (const std::exception& e) {
        log::error(std::string("reload refused, the running configuration stays: ") + e.what());
    }
    sd_notify(0, "READY=1\nSTATUS=serving");
}

} // namespace dyndns::app
