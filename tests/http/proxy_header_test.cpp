// The PROXY protocol parser: v1 and v2 headers as HAProxy writes them, and every way one can be short, long or wrong.
#include <doctest/doctest.h>

#include <string>

#include "http/proxy_header.h"

using namespace dyndns::http;
using namespace std::string_literals;

namespace {

const std::string kSignature("\r\n\r\n\0\r\nQUIT\n", 12);
const std::string kTlsHello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11); // the start of a ClientHello

std::string v2(unsigned char version_command, unsigned char family, const std::string& body) {
    return kSignature + static_cast<char>(version_command) + static_cast<char>(family) + static_cast<char>(body.size() >> 8) +
           static_cast<char>(body.size() & 0xff) + body;
}

// Two IPv4 addresses and ports, as in 2.2: source, destination, source port, destination port.
std::string inet4(const std::string& source, const std::string& destination) {
    return source + destination + "\x9c\x40"s + "\x20\x00"s;
}

const std::string kV4Client("\xc6\x33\x64\x07", 4); // 198.51.100.7
const std::string kV4Proxy("\x7f\x00\x00\x01", 4); // 127.0.0.1

std::string client_of(const ProxyHeader& header) { return header.client ? header.client->toString() : "none"; }

} // namespace

TEST_CASE("v1 TCP4 names the client and its length stops before the TLS bytes") {
    const std::string line = "PROXY TCP4 198.51.100.7 127.0.0.1 40000 8192\r\n";
    const ProxyHeader header = parse_proxy_header(line + kTlsHello);
    REQUIRE(header.status == ProxyHeaderStatus::Complete);
    CHECK(header.length == line.size());
    CHECK(client_of(header) == "198.51.100.7");
}

TEST_CASE("v1 TCP6 names an IPv6 client") {
    const ProxyHeader header = parse_proxy_header("PROXY TCP6 2001:db8::7 ::1 40000 8192\r\n");
    REQUIRE(header.status == ProxyHeaderStatus::Complete);
    CHECK(client_of(header) == "2001:db8::7");
}

TEST_CASE("v1 UNKNOWN keeps the proxy's address and ignores the rest of its line") {
    CHECK(client_of(parse_proxy_header("PROXY UNKNOWN\r\n")) == "none");
    const ProxyHeader header = parse_proxy_header("PROXY UNKNOWN ffff::1 whatever\r\n" + kTlsHello);
    REQUIRE(header.status == ProxyHeaderStatus::Complete);
    CHECK(header.length == 32);
    CHECK_FALSE(header.client);
}

TEST_CASE("v1 cut short at any byte asks for more") {
    const std::string line = "PROXY TCP4 198.51.100.7 127.0.0.1 40000 8192\r\n";
    for (std::size_t n = 0; n < line.size(); ++n) {
        INFO("after " << n << " bytes");
        CHECK(parse_proxy_header(line.substr(0, n)).status == ProxyHeaderStatus::NeedMore);
    }
}

TEST_CASE("v1 of 107 bytes is taken and one of 108 refused") {
    // "PROXY UNKNOWN " and padding up to the CRLF; UNKNOWN's rest is ignored, so only the length matters.
    const std::string head = "PROXY UNKNOWN ";
    const std::string longest = head + std::string(107 - head.size() - 2, 'x') + "\r\n";
    REQUIRE(longest.size() == kProxyV1MaxBytes);
    CHECK(parse_proxy_header(longest).status == ProxyHeaderStatus::Complete);
    const std::string too_long = head + std::string(108 - head.size() - 2, 'x') + "\r\n";
    CHECK(parse_proxy_header(too_long).status == ProxyHeaderStatus::Invalid);
    // Refused as soon as 107 bytes came without an end, not buffered further.
    CHECK(parse_proxy_header(head + std::string(200, 'x')).status == ProxyHeaderStatus::Invalid);
    // A CR as the 106th byte may still end a 107-byte line; as the 107th it cannot.
    CHECK(parse_proxy_header(head + std::string(105 - head.size(), 'x') + "\r").status == ProxyHeaderStatus::NeedMore);
    CHECK(parse_proxy_header(head + std::string(106 - head.size(), 'x') + "\r").status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(head + std::string(107 - head.size(), 'x')).status == ProxyHeaderStatus::Invalid);
}

TEST_CASE("v1 with bad addresses is refused") {
    for (const char* line :
         {"PROXY TCP4 198.51.100.256 127.0.0.1 1 2\r\n", "PROXY TCP4 127.1 127.0.0.1 1 2\r\n",
          "PROXY TCP4 2001:db8::1 127.0.0.1 1 2\r\n", "PROXY TCP6 198.51.100.7 ::1 1 2\r\n",
          "PROXY TCP4 198.51.100.7 nowhere 1 2\r\n", "PROXY TCP4 0.0.0.0 127.0.0.1 1 2\r\n",
          "PROXY TCP4 224.0.0.1 127.0.0.1 1 2\r\n", "PROXY TCP6 :: ::1 1 2\r\n", "PROXY TCP4 198.51.100.07 127.0.0.1 1 2\r\n"}) {
        INFO(line);
        CHECK(parse_proxy_header(line).status == ProxyHeaderStatus::Invalid);
    }
}

TEST_CASE("v1 with bad ports or fields is refused") {
    for (const char* line :
         {"PROXY TCP4 198.51.100.7 127.0.0.1 65536 8192\r\n", "PROXY TCP4 198.51.100.7 127.0.0.1 -1 8192\r\n",
          "PROXY TCP4 198.51.100.7 127.0.0.1 040000 8192\r\n", "PROXY TCP4 198.51.100.7 127.0.0.1 4a 8192\r\n",
          "PROXY TCP4 198.51.100.7 127.0.0.1 40000\r\n", "PROXY TCP4 198.51.100.7 127.0.0.1 40000 8192 9\r\n",
          "PROXY TCP4  198.51.100.7 127.0.0.1 40000 8192\r\n", "PROXY TCP4 198.51.100.7 127.0.0.1 40000 8192 \r\n",
          "PROXY UDP4 198.51.100.7 127.0.0.1 40000 8192\r\n", "PROXY \r\n", "PROXY TCP4 198.51.100.7 127.0.0.1 1 2\n",
          "PROXY TCP4 198.51.100.7 127.0.0.1 1 2\rX", "PROXY TCP4 198.51.100.7\t127.0.0.1 1 2\r\n",
          "PROXYTCP4 198.51.100.7 127.0.0.1 1 2\r\n", "proxy TCP4 198.51.100.7 127.0.0.1 1 2\r\n"}) {
        INFO(line);
        CHECK(parse_proxy_header(line).status == ProxyHeaderStatus::Invalid);
    }
    CHECK(client_of(parse_proxy_header("PROXY TCP4 198.51.100.7 127.0.0.1 0 65535\r\n")) == "198.51.100.7");
}

TEST_CASE("what is no PROXY header at all is refused at its first byte") {
    CHECK(parse_proxy_header(kTlsHello).status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header("G").status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header("GET / HTTP/1.1\r\n").status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header("\r\n\r\n\x01").status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header("").status == ProxyHeaderStatus::NeedMore);
}

TEST_CASE("v2 PROXY over IPv4 names the client and its TLVs are skipped") {
    const std::string tlvs = "\x04\x00\x02hi"s + "\x01\x00\x00"s; // a NOOP of two bytes, an empty ALPN
    const std::string header = v2(0x21, 0x11, inet4(kV4Client, kV4Proxy) + tlvs);
    const ProxyHeader parsed = parse_proxy_header(header + kTlsHello);
    REQUIRE(parsed.status == ProxyHeaderStatus::Complete);
    CHECK(parsed.length == header.size());
    CHECK(client_of(parsed) == "198.51.100.7");
}

TEST_CASE("v2 PROXY over IPv6 names the client") {
    const std::string client("\x20\x01\x0d\xb8"s + std::string(11, '\0') + "\x07"s);
    const std::string proxy(std::string(15, '\0') + "\x01");
    const ProxyHeader parsed = parse_proxy_header(v2(0x21, 0x21, client + proxy + "\x9c\x40\x20\x00"s));
    REQUIRE(parsed.status == ProxyHeaderStatus::Complete);
    CHECK(client_of(parsed) == "2001:db8::7");
}

TEST_CASE("v2 LOCAL keeps the proxy's address whatever its block holds") {
    const ProxyHeader empty = parse_proxy_header(v2(0x20, 0x00, "") + kTlsHello);
    REQUIRE(empty.status == ProxyHeaderStatus::Complete);
    CHECK(empty.length == 16);
    CHECK_FALSE(empty.client);
    const ProxyHeader with_block = parse_proxy_header(v2(0x20, 0x11, inet4(kV4Client, kV4Proxy)));
    REQUIRE(with_block.status == ProxyHeaderStatus::Complete);
    CHECK_FALSE(with_block.client);
}

TEST_CASE("v2 UNSPEC and unix families keep the proxy's address") {
    CHECK(client_of(parse_proxy_header(v2(0x21, 0x00, ""))) == "none");
    const ProxyHeader unix_socket = parse_proxy_header(v2(0x21, 0x31, std::string(216, 'a')));
    REQUIRE(unix_socket.status == ProxyHeaderStatus::Complete);
    CHECK_FALSE(unix_socket.client);
}

TEST_CASE("v2 cut short at any byte asks for more") {
    const std::string header = v2(0x21, 0x11, inet4(kV4Client, kV4Proxy) + "\x04\x00\x01x"s);
    for (std::size_t n = 0; n < header.size(); ++n) {
        INFO("after " << n << " bytes");
        CHECK(parse_proxy_header(header.substr(0, n)).status == ProxyHeaderStatus::NeedMore);
    }
}

TEST_CASE("v2 with a wrong signature version command or family is refused") {
    std::string wrong_signature = v2(0x21, 0x11, inet4(kV4Client, kV4Proxy));
    wrong_signature[8] = 'X';
    CHECK(parse_proxy_header(wrong_signature).status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(wrong_signature.substr(0, 9)).status == ProxyHeaderStatus::Invalid); // at once
    CHECK(parse_proxy_header(v2(0x11, 0x11, inet4(kV4Client, kV4Proxy))).status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(v2(0x22, 0x11, inet4(kV4Client, kV4Proxy))).status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(v2(0x21, 0x12, inet4(kV4Client, kV4Proxy))).status == ProxyHeaderStatus::Invalid); // UDP
    CHECK(parse_proxy_header(v2(0x21, 0x41, inet4(kV4Client, kV4Proxy))).status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(v2(0x21, 0x13, inet4(kV4Client, kV4Proxy))).status == ProxyHeaderStatus::Invalid);
}

TEST_CASE("v2 too short for its family or with a truncated TLV is refused") {
    CHECK(parse_proxy_header(v2(0x21, 0x11, std::string(11, '\x01'))).status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(v2(0x21, 0x21, inet4(kV4Client, kV4Proxy))).status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(v2(0x21, 0x11, inet4(kV4Client, kV4Proxy) + "\x04\x00\x05xy"s)).status ==
          ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(v2(0x21, 0x11, inet4(kV4Client, kV4Proxy) + "\x04\x00"s)).status == ProxyHeaderStatus::Invalid);
}

TEST_CASE("v2 naming an impossible client is refused") {
    const std::string zero(4, '\0');
    CHECK(parse_proxy_header(v2(0x21, 0x11, inet4(zero, kV4Proxy))).status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(v2(0x21, 0x11, inet4("\xff\xff\xff\xff"s, kV4Proxy))).status == ProxyHeaderStatus::Invalid);
    CHECK(parse_proxy_header(v2(0x21, 0x11, inet4("\xe0\x00\x00\x01"s, kV4Proxy))).status == ProxyHeaderStatus::Invalid);
}

TEST_CASE("v2 over its length bound is refused from its fixed part alone") {
    const std::string fixed = kSignature + "\x21\x11"s + static_cast<char>((kProxyV2MaxBodyBytes + 1) >> 8) +
                              static_cast<char>((kProxyV2MaxBodyBytes + 1) & 0xff);
    CHECK(parse_proxy_header(fixed).status == ProxyHeaderStatus::Invalid);
    const std::string largest =
        v2(0x21, 0x11,
           inet4(kV4Client, kV4Proxy) + "\x04"s + static_cast<char>((kProxyV2MaxBodyBytes - 15) >> 8) +
               static_cast<char>((kProxyV2MaxBodyBytes - 15) & 0xff) + std::string(kProxyV2MaxBodyBytes - 15, 'n'));
    REQUIRE(largest.size() == kProxyHeaderMaxBytes);
    CHECK(client_of(parse_proxy_header(largest)) == "198.51.100.7");
}
