// Where a webhook may point (docs/webhooks.md "Targets"): an https URL whose host resolves only to public addresses.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <Poco/Net/IPAddress.h>

namespace dyndns::core {

inline constexpr std::size_t kMaxWebhookUrl = 512;

// A URL as the delivery threads use it.
struct WebhookUrl {
    std::string host; // lower-case name, or an IP address (IPv6 without brackets)
    std::uint16_t port = 443;
    std::string path_and_query; // "/" at least
};

// The URL's parts, or why it is refused: not https, user info (a password in a URL), a fragment,
// no host, longer than kMaxWebhookUrl, control characters or spaces.
std::variant<WebhookUrl, std::string> parse_webhook_url(const std::string& url);

// The addresses a delivery may connect to: `host` resolved (or taken as it is when it is an
// address), each unwrapped from IPv4-mapped IPv6. Refused, with the reason, when it does not
// resolve, or when any address is not public (core::non_public_reason: loopback, private,
// link-local, ULA, unspecified, multicast, documentation, ...) and `allow_private` is false:
// one bad address refuses the lot, since which one a connection would use is not ours to pick.
std::variant<std::vector<Poco::Net::IPAddress>, std::string> webhook_addresses(const std::string& host, bool allow_private);

// Both checks, as registration makes them: the URL's reason, or the addresses' reason, or nothing.
std::string refuse_webhook_url(const std::string& url, bool allow_private);

} // namespace dyndns::core
