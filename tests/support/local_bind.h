// A real named on loopback in a temp dir (via scripts/local-bind), serving example.test with the gateway's key.
#pragma once

#include <cstdint>
#include <string>

#include "dns/tsig_key.h"
#include "dns/zone_update.h"
#include "support/temp_dir.h"

namespace dyndns::test {

class LocalBind {
public:
    // Starts named on 127.0.0.1 and ::1 at a free port; throws with named's log on failure.
    LocalBind();
    ~LocalBind(); // stops named and removes the directory
    LocalBind(const LocalBind&) = delete;
    LocalBind& operator=(const LocalBind&) = delete;

    std::uint16_t port() const { return port_; }
    // Stops named and starts it again on the same port with the same zone (its journal kept):
    // what a BIND operator's restart looks like to the gateway.
    void restart();
    const std::string& dir() const { return dir_; }
    std::string key_file() const { return dir_ + "/tsig.key"; }
    dns::TsigKey key() const; // the key named.conf includes, "dyndns-gateway"

    // `dig +norec +short NAME TYPE` against this server over 127.0.0.1 (or ::1): the answer
    // lines, sorted, joined by '\n'.
    std::string dig_short(const std::string& name, dns::RRType type, bool over_ipv6 = false) const;
    // The TTL of the first answer record, from `dig +norec +noall +answer`; -1 if none.
    long dig_ttl(const std::string& name, dns::RRType type) const;
    // The zone's SOA serial as dig reports it.
    std::uint32_t serial(const std::string& zone = "example.test") const;

private:
    std::string dig(const std::vector<std::string>& extra) const;

    TempDir temp_; // removed after named is stopped (members go after the destructor's body)
    std::string dir_; // temp_'s path
    std::uint16_t port_ = 0;
};

// One named for the whole test program, started on first use: starting one costs about a second.
LocalBind& shared_bind();

} // namespace dyndns::test
