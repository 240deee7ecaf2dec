// Zone lookup by suffix at label boundaries: "a.example.com" is in "example.com", "badexample.com" is not.
#include "dns/primaries.h"

#include <Poco/String.h>

namespace dyndns::dns {

Primaries::Primaries(Rfc2136Client default_primary, std::string description) {
    entries_.push_back(Entry{std::move(default_primary), std::move(description), {}});
}

void Primaries::add(Rfc2136Client primary, std::string description, const std::vector<std::string>& zones) {
    entries_.push_back(Entry{std::move(primary), std::move(description), zones});
    for (const auto& zone : zones) by_zone_[zone] = entries_.size() - 1;
}

std::size_t Primaries::index_for(const std::string& name) const {
    if (by_zone_.empty()) return 0;
    std::string candidate = Poco::toLower(name);
    if (!candidate.empty() && candidate.back() == '.') candidate.pop_back();
    // From the whole name towards the shortest suffix, so the longest configured zone wins.
    for (;;) {
        if (const auto found = by_zone_.find(candidate); found != by_zone_.end()) return found->second;
        const auto dot = candidate.find('.');
        if (dot == std::string::npos) return 0;
        candidate.erase(0, dot + 1);
    }
}

const Rfc2136Client& Primaries::for_name(const std::string& name) const { return entries_[index_for(name)].client; }

const std::string& Primaries::description_for(const std::string& name) const { return entries_[index_for(name)].description; }

} // namespace dyndns::dns
