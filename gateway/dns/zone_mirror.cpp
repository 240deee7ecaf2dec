// The mirror's bookkeeping: transfers replace or patch a zone's records, confirmations overlay them until a later transfer.
#include "dns/zone_mirror.h"

#include <algorithm>
#include <mutex>

#include "dns/zone_packets.h"

namespace dyndns::dns {

std::string ZoneMirror::key(const std::string& name, RRType type) {
    std::string k = name;
    k += '\0';
    k += std::to_string(static_cast<unsigned>(type));
    return k;
}

void ZoneMirror::remove(Zone& zone, const ZoneRecord& record) {
    const auto found = zone.records.find(key(record.name, record.type));
    if (found == zone.records.end()) return;
    auto& rdata = found->second.rdata;
    rdata.erase(std::remove(rdata.begin(), rdata.end(), record.rdata), rdata.end());
    if (rdata.empty()) zone.records.erase(found);
}

void ZoneMirror::insert(Zone& zone, const ZoneRecord& record) {
    RRset& rrset = zone.records[key(record.name, record.type)];
    const auto at = std::lower_bound(rrset.rdata.begin(), rrset.rdata.end(), record.rdata);
    if (at == rrset.rdata.end() || *at != record.rdata) rrset.rdata.insert(at, record.rdata);
    rrset.ttl = record.ttl; // an RRset has one TTL (RFC 2181 5.2): the latest record's
}

std::optional<RRset> ZoneMirror::find(const std::string& zone, const std::string& name, RRType type) const {
    std::shared_lock lock(mutex_);
    const auto z = zones_.find(zone);
    if (z == zones_.end() || !z->second.in_step()) return std::nullopt;
    const std::string k = key(name, type);
    if (const auto o = z->second.overlay.find(k); o != z->second.overlay.end()) return o->second.rrset;
    if (const auto r = z->second.records.find(k); r != z->second.records.end()) return r->second;
    return RRset{};
}

bool ZoneMirror::knows(const std::string& zone) const {
    std::shared_lock lock(mutex_);
    return zones_.count(zone) != 0;
}

bool ZoneMirror::add(const std::string& zone) {
    std::unique_lock lock(mutex_);
    return zones_.try_emplace(zone).second;
}

std::optional<std::uint32_t> ZoneMirror::serial(const std::string& zone) const {
    std::shared_lock lock(mutex_);
    const auto z = zones_.find(zone);
    if (z == zones_.end() || !z->second.transferred || z->second.doubted_at != 0) return std::nullopt;
    return z->second.serial;
}

std::uint64_t ZoneMirror::begin_transfer(const std::string& zone) const {
    std::shared_lock lock(mutex_);
    const auto z = zones_.find(zone);
    return z == zones_.end() ? 0 : z->second.epoch;
}

bool ZoneMirror::apply(const std::string& zone, std::uint64_t mark, const TransferResult& transfer) {
    std::unique_lock lock(mutex_);
    const auto found = zones_.find(zone);
    if (found == zones_.end()) return false;
    Zone& z = found->second;
    switch (transfer.kind) {
    case TransferResult::Kind::UpToDate: break;
    case TransferResult::Kind::Full:
        z.records.clear();
        for (const ZoneRecord& record : transfer.records) insert(z, record);
        break;
    case TransferResult::Kind::Incremental:
        for (const ZoneDiff& diff : transfer.diffs) {
            for (const ZoneRecord& record : diff.removed) remove(z, record);
            for (const ZoneRecord& record : diff.added) insert(z, record);
        }
        break;
    }
    z.serial = transfer.serial;
    z.transferred = true;
    z.failed = false;
    if (z.doubted_at != 0 && z.doubted_at <= mark) z.doubted_at = 0;
    std::erase_if(z.overlay, [&](const auto& entry) { return entry.second.epoch <= mark; });
    return !z.overlay.empty() || z.doubted_at != 0;
}

void ZoneMirror::confirmed(const std::string& zone, const RRsetChange& change) {
    RRset rrset;
    if (change.op == RRsetChange::Op::Replace) {
        for (const std::string& rdata : change.rdata) rrset.rdata.push_back(canonical_rdata(change.type, rdata));
        std::sort(rrset.rdata.begin(), rrset.rdata.end());
        rrset.ttl = change.ttl;
    }
    std::string name = change.name;
    if (name.size() > 1 && name.back() == '.') name.pop_back();
    std::unique_lock lock(mutex_);
    const auto found = zones_.find(zone);
    if (found == zones_.end()) return;
    Zone& z = found->second;
    z.overlay[key(name, change.type)] = {std::move(rrset), ++z.epoch};
}

void ZoneMirror::unsure(const std::string& zone) {
    std::unique_lock lock(mutex_);
    const auto found = zones_.find(zone);
    if (found != zones_.end()) found->second.doubted_at = ++found->second.epoch;
}

void ZoneMirror::out_of_step(const std::string& zone) {
    std::unique_lock lock(mutex_);
    const auto found = zones_.find(zone);
    if (found != zones_.end()) found->second.failed = true;
}

std::size_t ZoneMirror::size() const {
    std::shared_lock lock(mutex_);
    return zones_.size();
}

std::size_t ZoneMirror::zones_in_step() const {
    std::shared_lock lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(zones_.begin(), zones_.end(), [](const auto& z) { return z.second.in_step(); }));
}

} // namespace dyndns::dns
