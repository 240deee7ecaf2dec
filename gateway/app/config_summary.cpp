// Describes a configuration without its secrets, and builds the DNS client it names.
#include "app/config_summary.h"

#include <memory>
#include <sstream>

namespace dyndns::app {

std::string describe(const config::GatewayConfig& config) {
    std::ostringstream out;
    out << "listen:          ";
    for (const auto& address : config.listen.addresses) out << address << ' ';
    out << "port " << config.listen.port << '\n'
        << "public url:      " << config.public_url << '\n'
        << "DNS primary:     " << config.dns.primary << " port " << config.dns.port << ", TSIG key '"
        << config.dns.key.name << "' (" << dns::algorithm_name(config.dns.key.algorithm) << ") from "
        << config.dns.key_file << '\n'
        << "DNS bounds:      " << config.dns.attempts << " attempts of " << config.dns.timeout.count() << " ms, "
        << config.dns.call_deadline.count() << " ms per call\n"
        << "record TTL:      " << config.dns.ttl << " s\n"
        << "store:           " << config.store.path << '\n'
        << "private allowed: " << (config.allow_private_addresses ? "yes" : "no") << '\n'
        << "trusted proxies: ";
    if (config.trusted_proxies.empty()) out << "none";
    for (const auto& proxy : config.trusted_proxies) out << proxy.to_string() << ' ';
    out << '\n';
    return out.str();
}

dns::Rfc2136Client make_dns_client(const config::GatewayConfig& config) {
    return dns::Rfc2136Client(dns::ClientSettings{config.dns.key, config.dns.timeout, config.dns.attempts, config.dns.call_deadline},
                              std::make_shared<dns::TcpTransport>(config.dns.primary, config.dns.port));
}

} // namespace dyndns::app
