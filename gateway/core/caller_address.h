// The address a call came from: the TCP peer, or what a trusted reverse proxy says the client was.
#pragma once

#include <optional>
#include <vector>

#include <Poco/Net/IPAddress.h>

#include "vocabulary/cidr.h"
#include "vocabulary/forwarding_header.h"
#include "core/update_service.h"

namespace dyndns::core {

// The peer itself unless it is one of `trusted_proxies`; then the client named by `header` (docs/contract.md
// "The caller's address"): its entries read from the nearest (last) back, past further trusted proxies, to
// the first that is not one. Only that header: a client behind a proxy that appends X-Forwarded-For can
// still write its own Forwarded. Headers from any other peer are ignored: anyone can send them. Behind the
// PROXY protocol the peer already is the client. Nothing when the peer address itself is unusable.
std::optional<Poco::Net::IPAddress> caller_address(const ClientInfo& client, const std::vector<Cidr>& trusted_proxies,
                                                   ForwardingHeader header);

} // namespace dyndns::core
