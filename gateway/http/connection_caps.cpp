// Per-block connection counting; Poco masks the IPv6 prefix.
#include "http/connection_caps.h"

#include <algorithm>
#include <iterator>

namespace dyndns::http {

Poco::Net::IPAddress unmapped_peer(const Poco::Net::IPAddress& address) {
    // Poco calls every IPv4 address "IPv4-mapped" too: only an IPv6 one is unwrapped.
    if (address.family() != Poco::Net::IPAddress::IPv6 || !address.isIPv4Mapped()) return address;
    const auto* bytes = static_cast<const unsigned char*>(address.addr());
    return Poco::Net::IPAddress(bytes + 12, 4);
}

std::string client_block(const Poco::Net::IPAddress& address) {
    if (address.family() == Poco::Net::IPAddress::IPv4) return address.toString();
    if (address.isIPv4Mapped()) return unmapped_peer(address).toString();
    // operator&, not IPAddress::mask(): Poco 1.11 throws NotImplementedException for IPv6 mask().
    const Poco::Net::IPAddress block = address & Poco::Net::IPAddress(64, Poco::Net::IPAddress::IPv6);
    return block.toString() + "/64";
}

std::optional<WiderBlocks> wider_blocks(const std::string& block) {
    const auto slash = block.find('/');
    if (slash == std::string::npos) return std::nullopt; // an IPv4 address
    Poco::Net::IPAddress address;
    if (!Poco::Net::IPAddress::tryParse(block.substr(0, slash), address)) return std::nullopt;
    const auto masked = [&](unsigned bits) {
        return (address & Poco::Net::IPAddress(bits, Poco::Net::IPAddress::IPv6)).toString() + "/" + std::to_string(bits);
    };
    return WiderBlocks{masked(56), masked(48)};
}

bool ConnectionRate::try_take(const std::string& block, Clock::time_point now) {
    if (per_second_ == 0) return true;
    const double capacity = 2.0 * per_second_;
    const auto refill = [&](Bucket& bucket) {
        const double seconds = std::chrono::duration<double>(now - bucket.filled).count();
        bucket.tokens = std::min(capacity, bucket.tokens + seconds * per_second_);
        bucket.filled = now;
    };
    if (now - last_sweep_ > std::chrono::seconds(10)) {
        for (auto it = buckets_.begin(); it != buckets_.end();) {
            refill(it->second);
            it = it->second.tokens >= capacity ? buckets_.erase(it) : std::next(it);
        }
        last_sweep_ = now;
    }
    auto [it, fresh] = buckets_.try_emplace(block, Bucket{capacity, now});
    if (!fresh) refill(it->second);
    if (it->second.tokens < 1.0) return false;
    it->second.tokens -= 1.0;
    return true;
}

bool AddressCounts::try_add(const std::string& block) {
    auto& count = counts_[block];
    if (count >= per_block_) {
        if (count == 0) counts_.erase(block);
        return false;
    }
    ++count;
    return true;
}

void AddressCounts::remove(const std::string& block) {
    const auto found = counts_.find(block);
    if (found == counts_.end()) return;
    if (--found->second == 0) counts_.erase(found);
}

} // namespace dyndns::http
