// Admission checks in the order the loop meets them: the proxy is trusted, then the client's block has room.
#include "http/admission.h"

#include <algorithm>

namespace dyndns::http {

namespace {
constexpr std::size_t kBlocksPer56 = 4; // the /56 and /48 caps, in multiples of a block's
constexpr std::size_t kBlocksPer48 = 16;
} // namespace

Admission::Admission(const EdgeSettings& settings)
    : trusted_proxies_(settings.trusted_proxies),
      max_connections_(settings.max_connections),
      open_(settings.max_connections_per_block),
      open_56_(settings.max_connections_per_block * kBlocksPer56),
      open_48_(settings.max_connections_per_block * kBlocksPer48),
      new_connections_(settings.new_connections_per_second_per_block),
      new_connections_56_(settings.new_connections_per_second_per_block * kBlocksPer56),
      new_connections_48_(settings.new_connections_per_second_per_block * kBlocksPer48),
      running_(settings.max_requests_per_block) {}

void Admission::set_settings(const EdgeSettings& settings) {
    std::lock_guard lock(mutex_);
    trusted_proxies_ = settings.trusted_proxies;
    max_connections_ = settings.max_connections;
    open_.set_cap(settings.max_connections_per_block);
    open_56_.set_cap(settings.max_connections_per_block * kBlocksPer56);
    open_48_.set_cap(settings.max_connections_per_block * kBlocksPer48);
    new_connections_.set_rate(settings.new_connections_per_second_per_block);
    new_connections_56_.set_rate(static_cast<unsigned>(settings.new_connections_per_second_per_block * kBlocksPer56));
    new_connections_48_.set_rate(static_cast<unsigned>(settings.new_connections_per_second_per_block * kBlocksPer48));
    running_.set_cap(settings.max_requests_per_block);
}

bool Admission::try_add_open(const std::string& block) {
    if (!open_.try_add(block)) return false;
    const auto wider = wider_blocks(block);
    if (!wider) return true;
    if (!open_56_.try_add(wider->per_56)) {
        open_.remove(block);
        return false;
    }
    if (!open_48_.try_add(wider->per_48)) {
        open_56_.remove(wider->per_56);
        open_.remove(block);
        return false;
    }
    return true;
}

void Admission::remove_open(const std::string& block) {
    open_.remove(block);
    if (const auto wider = wider_blocks(block)) {
        open_56_.remove(wider->per_56);
        open_48_.remove(wider->per_48);
    }
}

Verdict Admission::accept(const Poco::Net::IPAddress& peer, bool proxy_protocol, std::string& block,
                          ConnectionRate::Clock::time_point now) {
    block.clear();
    std::lock_guard lock(mutex_);
    if (proxy_protocol) return is_trusted_proxy(peer) ? Verdict::Admit : Verdict::UntrustedProxy;
    return count_locked(peer, block, now); // closed before any TLS work when refused
}

Verdict Admission::count_client(const Poco::Net::IPAddress& client, std::string& block, ConnectionRate::Clock::time_point now) {
    std::lock_guard lock(mutex_);
    return count_locked(client, block, now);
}

Verdict Admission::count_locked(const Poco::Net::IPAddress& client, std::string& block, ConnectionRate::Clock::time_point now) {
    std::string counted = client_block(client);
    // The rate first: a refused connection that is not counted open must not use up the cap either.
    if (!new_connections_.try_take(counted, now)) return Verdict::RateCap;
    if (const auto wider = wider_blocks(counted)) {
        if (!new_connections_56_.try_take(wider->per_56, now) || !new_connections_48_.try_take(wider->per_48, now))
            return Verdict::RateCap;
    }
    if (!try_add_open(counted)) return Verdict::AddressCap;
    block = std::move(counted);
    return Verdict::Admit;
}

void Admission::release(const std::string& block) {
    std::lock_guard lock(mutex_);
    if (!block.empty()) remove_open(block);
}

bool Admission::is_trusted_proxy(const Poco::Net::IPAddress& address) const {
    return std::any_of(trusted_proxies_.begin(), trusted_proxies_.end(),
                       [&](const core::Cidr& proxy) { return proxy.contains(address); });
}

} // namespace dyndns::http
