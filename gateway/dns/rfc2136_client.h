// RFC 2136 client: TSIG-signed UPDATEs and RD=0 reads against the primary, with typed outcomes.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dns/dns_outcome.h"
#include "dns/dns_transport.h"
#include "dns/tsig_key.h"
#include "dns/zone_transfer.h"
#include "dns/zone_update.h"

struct ldns_struct_pkt; // ldns's packet (ldns_pkt), named here without including ldns

namespace dyndns::dns {

struct ClientSettings {
    TsigKey key;
    std::chrono::milliseconds timeout{2000}; // per attempt
    unsigned attempts = 2; // attempts after a timeout or network error
    // All the exchanges made for one caller's request together (a read, an UPDATE, a read back)
    // end by this long after the request began: attempts are cut short, none is started after.
    std::chrono::milliseconds call_deadline{5000};
    // A whole zone transfer, however many messages it takes.
    std::chrono::milliseconds transfer_timeout{30000};
};

struct RRset {
    std::vector<std::string> rdata; // presentation format, sorted
    std::uint32_t ttl = 0; // of the first record; 0 when empty
};

struct ReadResult {
    DnsOutcome outcome;
    RRset rrset; // empty when the name or the type does not exist (NXDOMAIN, NODATA)
};

// Knows nothing of accounts: it signs, sends, verifies and classifies. Safe to use from
// several threads at once (it keeps no per-call state; the transport must be too).
class Rfc2136Client {
public:
    Rfc2136Client(ClientSettings settings, std::shared_ptr<DnsTransport> transport);

    // The TSIG key's name, for messages (never its secret).
    const std::string& key_name() const { return settings_.key.name; }
    // The key itself, for verifying and answering the primary's NOTIFY messages.
    const TsigKey& key() const { return settings_.key; }

    // The deadline of a caller's request that begins now (settings' call_deadline).
    Deadline call_deadline() const;

    // Sends `update` as one UPDATE message; Ok only when the primary's NOERROR reply verifies.
    DnsOutcome apply(const ZoneUpdate& update, Deadline deadline) const;
    DnsOutcome apply(const ZoneUpdate& update) const { return apply(update, call_deadline()); }

    // Who reads: a call's or a page's read counts in dyndns_dns_reads_total (what zone following
    // saves); a health check's (readiness, the status page, each scrape) does not.
    enum class Reader { Call, HealthCheck };
    // Reads the RRset at `name` of `type` from the primary itself (RD=0, signed), so what the
    // gateway compares against is the primary's current data, not a cache's.
    ReadResult read(const std::string& name, RRType type, Deadline deadline, Reader reader = Reader::Call) const;
    ReadResult read(const std::string& name, RRType type) const { return read(name, type, call_deadline()); }

    // Transfers `zone` from the primary, TSIG-signed, every message verified (RFC 8945 5.3.1):
    // an IXFR from `since` when given (the primary may answer it in full), else an AXFR. Keeps
    // the records of the types in `kept`; refuses a zone of more than `max_records` records.
    TransferResult transfer(const std::string& zone, std::optional<std::uint32_t> since, const std::vector<RRType>& kept,
                            std::size_t max_records) const;

private:
    struct Reply;
    Reply exchange(ldns_struct_pkt* request, const std::string& what, Deadline deadline) const;

    ClientSettings settings_;
    std::shared_ptr<DnsTransport> transport_;
};

} // namespace dyndns::dns
