// The SSRF rules of webhooks: the same non-public table as published addresses, applied at registration and before every connection.
#include "core/webhook_target.h"

#include <Poco/Exception.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/URI.h>

#include "core/address_policy.h"
#include "vocabulary/cidr.h"
#include "vocabulary/names.h"

namespace dyndns::core {

std::variant<WebhookUrl, std::string> parse_webhook_url(const std::string& url) {
    if (url.size() > kMaxWebhookUrl) return "the URL is longer than " + std::to_string(kMaxWebhookUrl) + " bytes";
    for (const char c : url)
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
            return std::string("the URL holds a space or a control character");
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::SyntaxException&) {
        return std::string("the URL cannot be parsed");
    }
    if (lower(uri.getScheme()) != "https") return std::string("the URL must be https");
    if (!uri.getUserInfo().empty()) return std::string("the URL must not hold user information");
    if (!uri.getFragment().empty()) return std::string("the URL must not hold a fragment");
    if (uri.getHost().empty()) return std::string("the URL has no host");
    WebhookUrl parsed;
    parsed.host = lower(uri.getHost());
    parsed.port = uri.getPort();
    if (parsed.port == 0) return std::string("the URL's port is 0");
    parsed.path_and_query = uri.getPathAndQuery();
    if (parsed.path_and_query.empty()) parsed.path_and_query = "/";
    return parsed;
}

std::variant<std::vector<Poco::Net::IPAddress>, std::string> webhook_addresses(const std::string& host, bool allow_private) {
    std::vector<Poco::Net::IPAddress> addresses;
    Poco::Net::IPAddress literal;
    if (Poco::Net::IPAddress::tryParse(host, literal)) {
        addresses.push_back(literal);
    } else {
        try {
            const Poco::Net::HostEntry entry = Poco::Net::DNS::hostByName(host); // addresses() refers into it
            addresses = entry.addresses();
        } catch (const Poco::Exception&) {
            return "the host " + host + " does not resolve";
        }
    }
    if (addresses.empty()) return "the host " + host + " has no address";
    for (auto& address : addresses) {
        address = unmapped(address);
        if (allow_private) continue;
        if (const auto reason = non_public_reason(address))
            return "the host " + host + " resolves to " + address.toString() + ", " + *reason +
                   " (the operator has not allowed private webhook addresses)";
    }
    return addresses;
}

std::string refuse_webhook_url(const std::string& url, bool allow_private) {
    const auto parsed = parse_webhook_url(url);
    if (const auto* reason = std::get_if<std::string>(&parsed)) return *reason;
    const auto addresses = webhook_addresses(std::get<WebhookUrl>(parsed).host, allow_private);
    if (const auto* reason = std::get_if<std::string>(&addresses)) return *reason;
    return "";
}

} // namespace dyndns::core
