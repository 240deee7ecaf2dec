// The PROXY protocol header (HAProxy's proxy-protocol.txt, v1 text and v2 binary) a TCP proxy puts before a connection's bytes: a strict parser with bounds, no I/O.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <Poco/Net/IPAddress.h>

namespace dyndns::http {

// v1: the whole line, "PROXY" to CRLF, is at most 107 bytes (proxy-protocol.txt 2.1).
constexpr std::size_t kProxyV1MaxBytes = 107;
// v2: 16 fixed bytes and a body whose length they give. The body holds the addresses (216 bytes
// at most, for AF_UNIX) and TLVs; beyond this bound a header is refused, not buffered.
constexpr std::size_t kProxyV2MaxBodyBytes = 2048;
constexpr std::size_t kProxyHeaderMaxBytes = 16 + kProxyV2MaxBodyBytes;

enum class ProxyHeaderStatus {
    NeedMore, // a valid beginning: every byte given belongs to the header, more must come
    Complete, // a whole header: `length` bytes; what follows them is the connection's own (TLS)
    Invalid, // not a PROXY header, or a malformed or oversized one
};

struct ProxyHeader {
    ProxyHeaderStatus status = ProxyHeaderStatus::NeedMore;
    std::size_t length = 0; // Complete: the bytes the header takes
    // Complete: the client the proxy speaks for; nothing when the header names none (v2 LOCAL,
    // a proxy's own health check; v1 UNKNOWN; v2 UNSPEC or AF_UNIX): the proxy's own address holds.
    std::optional<Poco::Net::IPAddress> client;
    std::string problem; // Invalid: what is wrong, for the log (printable, bounded)
};

// Reads the header at the start of `bytes` (what the connection has received so far). Refuses as
// early as it can: a first byte that begins neither version is Invalid at once.
ProxyHeader parse_proxy_header(std::string_view bytes);

} // namespace dyndns::http
