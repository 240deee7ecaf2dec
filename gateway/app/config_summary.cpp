// Describes a configuration without its secrets, and builds the DNS client it names.
#include "app/config_summary.h"

#include <memory>
#include <sstream>

#include "app/store_location.h"

namespace dyndns::app {
namespace {

dns::Rfc2136Client client_for(const config::GatewayConfig& config, const dns::TsigKey& key, const std::string& address,
                              std::uint16_t port, std::chrono::milliseconds timeout, unsigned attempts) {
    return dns::Rfc2136Client(dns::ClientSettings{key, timeout, attempts, config.dns.call_deadline},
                              std::make_shared<dns::TcpTransport>(address, port));
}

std::string describe_primary(const std::string& address, std::uint16_t port) { return address + " port " + std::to_string(port); }

} // namespace

std::string describe(const config::GatewayConfig& config) {
    std::ostringstream out;
    out << "listen:          ";
    for (const auto& address : config.listen.addresses) out << address << ' ';
    out << "port " << config.listen.port << (config.listen.proxy_protocol ? ", PROXY protocol from trusted proxies only" : "")
        << '\n'
        << "public url:      " << config.public_url << '\n'
        << "DNS primary:     " << config.dns.primary << " port " << config.dns.port << ", TSIG key '" << config.dns.key.name
        << "' (" << dns::algorithm_name(config.dns.key.algorithm) << ") from " << config.dns.key_file << '\n'
        << "DNS bounds:      " << config.dns.attempts << " attempts of " << config.dns.timeout.count() << " ms, "
        << config.dns.call_deadline.count() << " ms per call\n"
        << "record TTL:      " << config.dns.ttl << " s\n"
        << "zone following:  "
        << (config.dns.notify_listen.empty() ? std::string("off (a read from the primary per call)")
                                             : "NOTIFY on " + config.dns.notify_listen + ", refresh every " +
                                                   std::to_string(config.dns.zone_refresh.count()) + " s")
        << '\n'
        << "store:           " << store_description(config.store) << '\n'
        << "private allowed: " << (config.allow_private_addresses ? "yes" : "no") << '\n'
        << "other primaries: ";
    if (config.dns.primaries.empty()) out << "none";
    for (const auto& primary : config.dns.primaries) {
        out << describe_primary(primary.address, primary.port) << " (key " << primary.key_name << ") for";
        for (const auto& zone : primary.zones) out << ' ' << zone;
        out << "; ";
    }
    out << '\n' << "trusted proxies: ";
    if (config.trusted_proxies.empty()) out << "none";
    for (const auto& proxy : config.trusted_proxies) out << proxy.to_string() << ' ';
    out << '\n';
    return out.str();
}

dns::Rfc2136Client make_dns_client(const config::GatewayConfig& config) {
    return client_for(config, config.dns.key, config.dns.primary, config.dns.port, config.dns.timeout, config.dns.attempts);
}

dns::Primaries make_primaries(const config::GatewayConfig& config) {
    dns::Primaries primaries(make_dns_client(config), describe_primary(config.dns.primary, config.dns.port));
    for (const auto& primary : config.dns.primaries)
        primaries.add(client_for(config, primary.key, primary.address, primary.port, primary.timeout.value_or(config.dns.timeout),
                                 primary.attempts.value_or(config.dns.attempts)),
                      describe_primary(primary.address, primary.port), primary.zones);
    return primaries;
}

} // namespace dyndns::app
