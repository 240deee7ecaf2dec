// Admission checks in the order the loop meets them: the proxy is trusted, then the client's block has room.
#include "http/admission.h"

#include <algorithm>

namespace dyndns::http {

Admission::Admission(const EdgeSettings& settings)
    : trusted_proxies_(settings.trusted_proxies),
      max_connections_(settings.max_connections),
      open_(settings.max_connections_per_block),
      running_(settings.max_requests_per_block) {}

void Admission::set_settings(const EdgeSettings& settings) {
    trusted_proxies_ = settings.trusted_proxies;
    max_connections_ = settings.max_connections;
    open_.set_cap(settings.max_connections_per_block);
    running_.set_cap(settings.max_requests_per_block);
}

Verdict Admission::accept(const Poco::Net::IPAddress& peer, bool proxy_protocol, std::string& block) {
    block.clear();
    if (proxy_protocol) return is_trusted_proxy(peer) ? Verdict::Admit : Verdict::UntrustedProxy;
    std::string counted = client_block(peer);
    if (!open_.try_add(counted)) return Verdict::AddressCap; // closed before any TLS work
    block = std::move(counted);
    return Verdict::Admit;
}

bool Admission::count_client(const Poco::Net::IPAddress& client, std::string& block) {
    std::string counted = client_block(client);
    if (!open_.try_add(counted)) return false;
    block = std::move(counted);
    return true;
}

void Admission::release(const std::string& block) {
    if (!block.empty()) open_.remove(block);
}

bool Admission::is_trusted_proxy(const Poco::Net::IPAddress& address) const {
    return std::any_of(trusted_proxies_.begin(), trusted_proxies_.end(),
                       [&](const core::Cidr& proxy) { return proxy.contains(address); });
}

} // namespace dyndns::http
