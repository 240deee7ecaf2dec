// Reload is all or nothing: every new piece is built first (the file, the TLS context), then applied.
#include "app/config_reload.h"

#include <time.h>

#include <systemd/sd-daemon.h>

#include "app/core_settings.h"
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
    const auto note = [&](bool differs, const char* key) {
        if (differs) changed.emplace_back(key);
    };
    note(running.listen.addresses != next.listen.addresses, "listen.addresses");
    note(running.listen.port != next.listen.port, "listen.port");
    note(running.listen.proxy_protocol != next.listen.proxy_protocol, "listen.proxy_protocol");
    note(running.store.path != next.store.path, "store.path");
    note(running.store.postgresql != next.store.postgresql, "store.postgresql");
    note(running.public_url != next.public_url, "public_url");
    note(running.dns.primary != next.dns.primary, "dns.primary");
    note(running.dns.port != next.dns.port, "dns.port");
    note(running.dns.key_file != next.dns.key_file || running.dns.key_name != next.dns.key_name, "dns.key_file");
    note(running.dns.timeout != next.dns.timeout, "dns.timeout_ms");
    note(running.dns.attempts != next.dns.attempts, "dns.attempts");
    note(running.dns.max_batch != next.dns.max_batch, "dns.max_batch");
    note(running.dns.notify_listen != next.dns.notify_listen, "dns.notify_listen");
    note(running.dns.zone_refresh != next.dns.zone_refresh, "dns.zone_refresh_s");
    note(running.metrics.enabled != next.metrics.enabled || running.metrics.address != next.metrics.address ||
             running.metrics.port != next.metrics.port,
         "metrics.listen");
    note(running.limits.max_threads != next.limits.max_threads, "limits.max_threads");
    note(running.limits.max_queue != next.limits.max_queue, "limits.max_queue");
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
        applied.tls = next.tls;
        applied.limits = next.limits;
        applied.limits.max_threads = running.limits.max_threads;
        applied.limits.max_queue = running.limits.max_queue;
        applied.log = next.log;
        applied.trusted_proxies = next.trusted_proxies;
        applied.allow_private_addresses = next.allow_private_addresses;
        applied.dns.ttl = next.dns.ttl;
        applied.dns.call_deadline = next.dns.call_deadline;
        applied.store.history_days = next.store.history_days;
        running = applied;
        log::notice("reloaded " + path + " and the TLS certificate " + next.tls.certificate);
    } catch (const std::exception& e) {
        log::error(std::string("reload refused, the running configuration stays: ") + e.what());
    }
    sd_notify(0, "READY=1\nSTATUS=serving");
}

} // namespace dyndns::app
