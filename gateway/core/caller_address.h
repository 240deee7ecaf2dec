// The address a call came from: the TCP peer, or what a trusted reverse proxy says the client was.
#pragma once

#include <optional>
#include <vector>

#include <Poco/Net/IPAddress.h>

#include "vocabulary/cidr.h"
#include "core/update_service.h"

namespace dyndns::core {

// The peer itself unless it is one of `trusted_proxies`; then the client named by the
// Forwarded header (RFC 7239), else X-Forwarded-For, walking from the nearest hop back past
// further trusted proxies. Headers from any other peer are ignored: anyone can send them.
// Nothing when the peer address itself is unusable.
std::optional<Poco::Net::IPAddress> caller_address(const ClientInfo& client, const std::vector<Cidr>& trusted_proxies);

} // namespace dyndns::core
