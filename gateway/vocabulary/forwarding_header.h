// Which one source names the client behind a trusted reverse proxy: one configured header, never "whichever is present".
#pragma once

#include <optional>
#include <string_view>

namespace dyndns::core {

enum class ForwardingHeader {
    XForwardedFor, // X-Forwarded-For, as HAProxy's option forwardfor and nginx's proxy_add_x_forwarded_for append it
    Forwarded, // RFC 7239 Forwarded, for=
    ProxyProtocol, // the PROXY protocol header before TLS; no HTTP header is believed
};

// "x-forwarded-for", "forwarded", "proxy-protocol": the configuration's words.
inline std::optional<ForwardingHeader> forwarding_header(std::string_view word) {
    if (word == "x-forwarded-for") return ForwardingHeader::XForwardedFor;
    if (word == "forwarded") return ForwardingHeader::Forwarded;
    if (word == "proxy-protocol") return ForwardingHeader::ProxyProtocol;
    return std::nullopt;
}

} // namespace dyndns::core
