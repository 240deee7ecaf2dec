// PROXY protocol v1/v2 (proxy-protocol.txt, sections 2.1 and 2.2): no Debian library parses it, so a small strict one with bounds.
#include "http/proxy_header.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <charconv>
#include <string>
#include <vector>

namespace dyndns::http {
namespace {

constexpr std::string_view kV1Prefix = "PROXY ";
constexpr std::string_view kV2Signature("\r\n\r\n\0\r\nQUIT\n", 12);
constexpr std::size_t kV2FixedBytes = 16;

// 2.2: the 14th byte, address family (high nibble) and transport (low nibble).
constexpr unsigned kUnspec = 0x00;
constexpr unsigned kTcp4 = 0x11;
constexpr unsigned kUdp4 = 0x12;
constexpr unsigned kTcp6 = 0x21;
constexpr unsigned kUdp6 = 0x22;
constexpr unsigned kUnixStream = 0x31;
constexpr unsigned kUnixDgram = 0x32;
constexpr std::size_t kInet4AddressBytes = 12; // two addresses and two ports
constexpr std::size_t kInet6AddressBytes = 36;
constexpr std::size_t kUnixAddressBytes = 216;
constexpr unsigned kCommandLocal = 0x0;
constexpr unsigned kCommandProxy = 0x1;

ProxyHeader need_more() { return ProxyHeader{}; }

ProxyHeader invalid(std::string problem) {
    ProxyHeader header;
    header.status = ProxyHeaderStatus::Invalid;
    header.problem = std::move(problem);
    return header;
}

ProxyHeader complete(std::size_t length, std::optional<Poco::Net::IPAddress> client) {
    ProxyHeader header;
    header.status = ProxyHeaderStatus::Complete;
    header.length = length;
    header.client = std::move(client);
    return header;
}

// A TCP connection cannot come from these; a header naming one is forged or broken.
bool can_be_tcp_source(const Poco::Net::IPAddress& address) {
    return !address.isWildcard() && !address.isMulticast() && !address.isBroadcast();
}

// 2.1: strict dotted quad or RFC 4291 text, of the family the protocol names (inet_pton takes
// no shorthand like "127.1", unlike Poco's parser, which goes through inet_aton).
std::optional<Poco::Net::IPAddress> v1_address(std::string_view text, int family) {
    if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
    const std::string terminated(text);
    std::array<unsigned char, sizeof(in6_addr)> bytes{};
    if (inet_pton(family, terminated.c_str(), bytes.data()) != 1) return std::nullopt;
    return Poco::Net::IPAddress(bytes.data(), family == AF_INET ? sizeof(in_addr) : sizeof(in6_addr));
}

// 2.1: decimal 0..65535 without leading zeroes.
bool v1_port(std::string_view text) {
    if (text.empty() || text.size() > 5 || (text.size() > 1 && text.front() == '0')) return false;
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    return error == std::errc() && end == text.data() + text.size() && value <= 65535;
}

// Splits on single spaces; an empty field (two spaces, a leading or trailing one) is kept empty, so it is refused.
std::vector<std::string_view> v1_fields(std::string_view line) {
    std::vector<std::string_view> fields;
    for (;;) {
        const std::size_t space = line.find(' ');
        fields.push_back(line.substr(0, space));
        if (space == std::string_view::npos) return fields;
        line.remove_prefix(space + 1);
    }
}

ProxyHeader parse_v1(std::string_view bytes) {
    const std::size_t prefix = std::min(bytes.size(), kV1Prefix.size());
    if (bytes.substr(0, prefix) != kV1Prefix.substr(0, prefix)) return invalid("not a PROXY header");
    const std::string_view window = bytes.substr(0, kProxyV1MaxBytes);
    const std::size_t end = window.find_first_of("\r\n");
    for (const char c : window.substr(0, end))
        if (c < 0x20 || c > 0x7e) return invalid("v1 header with a control or non-ASCII byte");
    if (end != std::string_view::npos && window[end] == '\n') return invalid("v1 header not ended by CRLF");
    if (end == std::string_view::npos || end + 1 == window.size()) {
        if (bytes.size() >= kProxyV1MaxBytes) return invalid("v1 header longer than 107 bytes");
        return need_more();
    }
    if (window[end + 1] != '\n') return invalid("v1 header not ended by CRLF");
    const std::size_t length = end + 2;

    const auto fields = v1_fields(window.substr(kV1Prefix.size(), end - kV1Prefix.size()));
    // 2.1: after UNKNOWN the receiver ignores the rest of the line and keeps the real endpoints.
    if (fields[0] == "UNKNOWN") return complete(length, std::nullopt);
    int family = 0;
    if (fields[0] == "TCP4")
        family = AF_INET;
    else if (fields[0] == "TCP6")
        family = AF_INET6;
    else
        return invalid("v1 header with an unknown protocol (TCP4, TCP6 or UNKNOWN expected)");
    if (fields.size() != 5) return invalid("v1 header does not have exactly: protocol, two addresses, two ports");
    const auto source = v1_address(fields[1], family);
    if (!source || !v1_address(fields[2], family))
        return invalid("v1 header with an address that is not " + std::string(fields[0]));
    if (!v1_port(fields[3]) || !v1_port(fields[4])) return invalid("v1 header with a port that is not 0..65535");
    if (!can_be_tcp_source(*source)) return invalid("v1 header names " + source->toString() + " as the client");
    return complete(length, source);
}

// TLVs (2.2.7) fill the rest of the body: each a type, a 16-bit length and that many bytes. Not
// used here, only checked to fit, so a truncated one is refused rather than trusted.
bool tlvs_fit(std::string_view tlvs) {
    while (!tlvs.empty()) {
        if (tlvs.size() < 3) return false;
        const std::size_t length =
            static_cast<std::size_t>(static_cast<unsigned char>(tlvs[1])) << 8 | static_cast<unsigned char>(tlvs[2]);
        if (tlvs.size() - 3 < length) return false;
        tlvs.remove_prefix(3 + length);
    }
    return true;
}

ProxyHeader parse_v2(std::string_view bytes) {
    const std::size_t signature = std::min(bytes.size(), kV2Signature.size());
    if (bytes.substr(0, signature) != kV2Signature.substr(0, signature)) return invalid("not a PROXY header");
    if (bytes.size() < kV2FixedBytes) return need_more();
    const auto byte = [&](std::size_t i) { return static_cast<unsigned>(static_cast<unsigned char>(bytes[i])); };
    if (byte(12) >> 4 != 2) return invalid("v2 header with version " + std::to_string(byte(12) >> 4));
    const unsigned command = byte(12) & 0xF;
    if (command != kCommandLocal && command != kCommandProxy)
        return invalid("v2 header with an unknown command " + std::to_string(command));
    const std::size_t body = byte(14) << 8 | byte(15);
    if (body > kProxyV2MaxBodyBytes)
        return invalid("v2 header of " + std::to_string(body) + " bytes, over the " + std::to_string(kProxyV2MaxBodyBytes) +
                       " allowed");
    const unsigned family = byte(13);

    // Refused before its body arrives when the family alone says it is wrong.
    std::size_t addresses = 0;
    if (command == kCommandProxy) {
        switch (family) {
        case kUnspec: break;
        case kTcp4: addresses = kInet4AddressBytes; break;
        case kTcp6: addresses = kInet6AddressBytes; break;
        case kUnixStream:
        case kUnixDgram: addresses = kUnixAddressBytes; break;
        case kUdp4:
        case kUdp6: return invalid("v2 header names a datagram client on a stream connection");
        default: return invalid("v2 header with an unknown address family " + std::to_string(family));
        }
        if (body < addresses) return invalid("v2 header too short for its address family");
    }
    const std::size_t length = kV2FixedBytes + body;
    if (bytes.size() < length) return need_more();
    // 2.2: LOCAL (a proxy's own health check) keeps the real endpoints, whatever the block says.
    if (command == kCommandLocal) return complete(length, std::nullopt);
    if (!tlvs_fit(bytes.substr(kV2FixedBytes + addresses, body - addresses))) return invalid("v2 header with a truncated TLV");
    if (family != kTcp4 && family != kTcp6)
        return complete(length, std::nullopt); // no IP client named: the proxy's address holds
    const Poco::Net::IPAddress source(bytes.data() + kV2FixedBytes, family == kTcp4 ? sizeof(in_addr) : sizeof(in6_addr));
    if (!can_be_tcp_source(source)) return invalid("v2 header names " + source.toString() + " as the client");
    return complete(length, source);
}

} // namespace

ProxyHeader parse_proxy_header(std::string_view bytes) {
    if (bytes.empty()) return need_more();
    if (bytes.front() == kV2Signature.front()) return parse_v2(bytes);
    if (bytes.front() == kV1Prefix.front()) return parse_v1(bytes);
    return invalid("not a PROXY header");
}

} // namespace dyndns::http
