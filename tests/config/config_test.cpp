// Tests for gateway/config: a good file, the defaults, path resolution, and each kind of file that must be refused.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include <unistd.h>

#include "config/gateway_config.h"
#include "support/temp_dir.h"

namespace fs = std::filesystem;
using dyndns::config::ConfigError;
using dyndns::config::GatewayConfig;
using dyndns::config::load_config;
using dyndns::config::parse_config;

namespace {

// Fixed fake secrets (base64 of plain text), so a test can look for them in messages.
const std::string kSecret = "c2VjcmV0LWZvci10ZXN0cy1vbmx5LWRvLW5vdC11c2U=";
const std::string kMd5Secret = "bWQ1LXNlY3JldC1mb3ItdGVzdHM=";

// Laid out as tsig-keygen writes it.
std::string key_clause(const std::string& name, const std::string& algorithm, const std::string& secret) {
    return "key \"" + name + "\" {\n\talgorithm " + algorithm + ";\n\tsecret \"" + secret + "\";\n};\n";
}

// The shared temp dir, plus the key file most tests need.
class TempDir : public dyndns::test::TempDir {
public:
    TempDir() : dyndns::test::TempDir("dyndns-config-test") {}
    std::string write_good_key() const { return write("tsig.key", key_clause("dyndns-gateway", "hmac-sha256", kSecret)); }
};

// Loads `yaml` as dir/gw.yaml, expecting it to be refused; returns the error. Every refusal is
// also checked for the secrets, so no test can pass by leaking one.
ConfigError refusal(const TempDir& dir, const std::string& yaml) {
    const std::string path = dir.write("gw.yaml", yaml);
    try {
        load_config(path);
    } catch (const ConfigError& e) {
        const std::string message = e.what();
        CHECK(message.find(kSecret) == std::string::npos);
        CHECK(message.find(kMd5Secret) == std::string::npos);
        CHECK(message.rfind(path, 0) == 0); // starts with the file name
        return e;
    }
    FAIL("the file was accepted:\n" << yaml);
    return ConfigError("", 0, "", "unreachable");
}

bool mentions(const ConfigError& e, const std::string& text) { return std::string(e.what()).find(text) != std::string::npos; }

} // namespace

TEST_CASE("a full file loads with every value") {
    TempDir dir;
    dir.write_good_key();
    const std::string path = dir.write("gw.yaml", R"(# every key set to something other than its default
listen:
  addresses: ["192.0.2.10", "2001:DB8::10"]
  port: 8443
  proxy_protocol: true
tls:
  certificate: /etc/ssl/dyndns/cert.pem
  private_key: /etc/ssl/dyndns/key.pem
public_url: https://dns.example.net:8443/dom/api
dns:
  primary: 192.0.2.53
  port: 5353
  key_file: tsig.key
  key_name: DynDNS-Gateway.
  timeout_ms: 1500
  attempts: 3
  call_deadline_ms: 4000
  ttl: 120
store:
  path: /var/lib/dyndns/gateway.sqlite
trusted_proxies: ["10.0.0.1", "192.0.2.0/24", "2001:db8::/32"]
allow_private_addresses: true
limits:
  max_body_bytes: 131072
  max_header_bytes: 16384
  max_uri_bytes: 4096
  max_threads: 32
  max_queue: 128
  keep_alive_timeout_ms: 30000
  body_timeout_ms: 20000
  handshake_timeout_ms: 3000
  head_timeout_ms: 4000
  max_connections: 500
  max_connections_per_address: 8
  max_keep_alive_requests: 200
)");
    const GatewayConfig config = load_config(path);

    CHECK(config.listen.addresses == std::vector<std::string>{"192.0.2.10", "2001:db8::10"});
    CHECK(config.listen.port == 8443);
    CHECK(config.listen.proxy_protocol);
    CHECK(config.tls.certificate == "/etc/ssl/dyndns/cert.pem");
    CHECK(config.tls.private_key == "/etc/ssl/dyndns/key.pem");
    CHECK(config.public_url == "https://dns.example.net:8443/dom/api");
    CHECK(config.dns.primary == "192.0.2.53");
    CHECK(config.dns.port == 5353);
    CHECK(config.dns.key_file == (dir.path() / "tsig.key").string());
    CHECK(config.dns.key_name == "DynDNS-Gateway.");
    CHECK(config.dns.timeout == std::chrono::milliseconds(1500));
    CHECK(config.dns.attempts == 3);
    CHECK(config.dns.call_deadline == std::chrono::milliseconds(4000));
    CHECK(config.dns.ttl == 120);
    CHECK(config.dns.key.name == "dyndns-gateway");
    CHECK(config.dns.key.algorithm == dyndns::dns::TsigAlgorithm::HmacSha256);
    CHECK(config.dns.key.secret_base64 == kSecret);
    CHECK(config.store.path == "/var/lib/dyndns/gateway.sqlite");
    REQUIRE(config.trusted_proxies.size() == 3);
    CHECK(config.trusted_proxies[0].to_string() == "10.0.0.1/32");
    CHECK(config.trusted_proxies[1].to_string() == "192.0.2.0/24");
    CHECK(config.trusted_proxies[2].to_string() == "2001:db8::/32");
    CHECK(config.allow_private_addresses);
    CHECK(config.limits.max_body_bytes == 131072);
    CHECK(config.limits.max_header_bytes == 16384);
    CHECK(config.limits.max_uri_bytes == 4096);
    CHECK(config.limits.max_threads == 32);
    CHECK(config.limits.max_queue == 128);
    CHECK(config.limits.keep_alive_timeout == std::chrono::seconds(30));
    CHECK(config.limits.body_timeout == std::chrono::seconds(20));
    CHECK(config.limits.handshake_timeout == std::chrono::seconds(3));
    CHECK(config.limits.head_timeout == std::chrono::seconds(4));
    CHECK(config.limits.max_connections == 500);
    CHECK(config.limits.max_connections_per_address == 8);
    CHECK(config.limits.max_keep_alive_requests == 200);
}

TEST_CASE("a minimal file gets every default") {
    TempDir dir;
    dir.write_good_key();
    const GatewayConfig config = load_config(dir.write("gw.yaml", "dns:\n  key_file: tsig.key\n"));
    const GatewayConfig defaults;

    CHECK(config.listen.addresses == std::vector<std::string>{"127.0.0.1", "::1"});
    CHECK(config.listen.port == 8192);
    CHECK_FALSE(config.listen.proxy_protocol);
    CHECK(config.tls.certificate.empty());
    CHECK(config.tls.private_key.empty());
    CHECK(config.public_url == "https://127.0.0.1:8192/dom/api");
    CHECK(config.dns.primary == "127.0.0.1");
    CHECK(config.dns.port == 53);
    CHECK(config.dns.key_name == "dyndns-gateway");
    CHECK(config.dns.timeout == std::chrono::milliseconds(2000));
    CHECK(config.dns.attempts == 2);
    CHECK(config.dns.ttl == 60);
    CHECK(config.dns.key.secret_base64 == kSecret);
    CHECK(config.store.path == (dir.path() / "gateway.sqlite").string());
    CHECK(config.trusted_proxies.empty());
    CHECK_FALSE(config.allow_private_addresses);
    CHECK(config.limits.max_body_bytes == 64 * 1024);
    CHECK(config.limits.max_header_bytes == 8 * 1024);
    CHECK(config.limits.max_uri_bytes == 2048);
    CHECK(config.limits.max_threads == 16);
    CHECK(config.limits.max_queue == 64);
    CHECK(config.limits.keep_alive_timeout == std::chrono::seconds(15));
    CHECK(config.limits.body_timeout == std::chrono::seconds(10));
    CHECK(config.limits.handshake_timeout == std::chrono::seconds(5));
    CHECK(config.limits.head_timeout == std::chrono::seconds(5));
    CHECK(config.limits.max_connections == 10000);
    CHECK(config.limits.max_connections_per_address == 32);
    CHECK(config.limits.max_keep_alive_requests == 100);
    CHECK(config.limits.max_body_bytes == defaults.limits.max_body_bytes);
}

TEST_CASE("the documented example loads and states the defaults") {
    TempDir dir;
    dir.write_good_key();
    std::ifstream in(DYNDNS_CONFIG_EXAMPLE, std::ios::binary);
    REQUIRE(in);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const GatewayConfig config = parse_config(text, "example.yaml", dir.path().string());
    const GatewayConfig defaults;
    CHECK(config.tls.certificate == (dir.path() / "tls/cert.pem").string());
    CHECK(config.listen.addresses == defaults.listen.addresses);
    CHECK(config.listen.port == defaults.listen.port);
    CHECK(config.listen.proxy_protocol == defaults.listen.proxy_protocol);
    CHECK(config.public_url == defaults.public_url);
    CHECK(config.dns.primary == defaults.dns.primary);
    CHECK(config.dns.port == defaults.dns.port);
    CHECK(config.dns.key_name == defaults.dns.key_name);
    CHECK(config.dns.timeout == defaults.dns.timeout);
    CHECK(config.dns.attempts == defaults.dns.attempts);
    CHECK(config.dns.ttl == defaults.dns.ttl);
    CHECK(config.store.path == (dir.path() / defaults.store.path).string());
    CHECK(config.trusted_proxies.empty());
    CHECK(config.allow_private_addresses == defaults.allow_private_addresses);
    CHECK(config.limits.max_body_bytes == defaults.limits.max_body_bytes);
    CHECK(config.limits.max_header_bytes == defaults.limits.max_header_bytes);
    CHECK(config.limits.max_uri_bytes == defaults.limits.max_uri_bytes);
    CHECK(config.limits.max_threads == defaults.limits.max_threads);
    CHECK(config.limits.max_queue == defaults.limits.max_queue);
    CHECK(config.limits.keep_alive_timeout == defaults.limits.keep_alive_timeout);
    CHECK(config.limits.body_timeout == defaults.limits.body_timeout);
    CHECK(config.limits.head_timeout == defaults.limits.head_timeout);
    CHECK(config.limits.handshake_timeout == defaults.limits.handshake_timeout);
    CHECK(config.limits.max_connections == defaults.limits.max_connections);
    CHECK(config.limits.max_connections_per_address == defaults.limits.max_connections_per_address);
    CHECK(config.limits.max_keep_alive_requests == defaults.limits.max_keep_alive_requests);
}

TEST_CASE("empty sections and lists mean the defaults") {
    TempDir dir;
    dir.write_good_key();
    const GatewayConfig config =
        load_config(dir.write("gw.yaml", "listen:\ntls:\nlimits: {}\ntrusted_proxies: []\ndns: {key_file: tsig.key}\n"));
    CHECK(config.listen.port == 8192);
    CHECK(config.trusted_proxies.empty());
}

TEST_CASE("relative paths resolve against the config file directory") {
    TempDir dir;
    dir.write("etc/keys/tsig.key", key_clause("dyndns-gateway", "hmac-sha512", kSecret));
    const std::string path = dir.write("etc/gw.yaml", R"(
tls: { certificate: tls/cert.pem, private_key: ../private/key.pem }
dns: { key_file: keys/tsig.key }
store: { path: /absolute/gateway.sqlite }
)");
    const GatewayConfig config = load_config(path);
    const fs::path etc = dir.path() / "etc";
    CHECK(config.dns.key_file == (etc / "keys/tsig.key").string());
    CHECK(config.tls.certificate == (etc / "tls/cert.pem").string());
    CHECK(config.tls.private_key == (dir.path() / "private/key.pem").string());
    CHECK(config.store.path == "/absolute/gateway.sqlite");
    CHECK(config.dns.key.algorithm == dyndns::dns::TsigAlgorithm::HmacSha512);

    // parse_config resolves against the directory it is given, whatever the origin says.
    const GatewayConfig parsed = parse_config("dns: {key_file: keys/tsig.key}\n", "text", etc.string());
    CHECK(parsed.dns.key_file == (etc / "keys/tsig.key").string());
    CHECK(parsed.store.path == (etc / "gateway.sqlite").string());
}

TEST_CASE("TLS files need not exist when the config loads") {
    TempDir dir;
    dir.write_good_key();
    const GatewayConfig config =
        load_config(dir.write("gw.yaml", "tls: {certificate: nowhere.pem, private_key: nokey.pem}\ndns: {key_file: tsig.key}\n"));
    CHECK(config.tls.certificate == (dir.path() / "nowhere.pem").string());
}

TEST_CASE("an unknown top-level key is refused by name") {
    TempDir dir;
    dir.write_good_key();
    const ConfigError e = refusal(dir, "dns: {key_file: tsig.key}\ncolour: blue\n");
    CHECK(e.key() == "colour");
    CHECK(e.line() == 2);
    CHECK(mentions(e, ":2: colour: unknown key"));
}

TEST_CASE("an unknown nested key is refused with its dotted path") {
    TempDir dir;
    dir.write_good_key();
    const ConfigError e = refusal(dir, "dns: {key_file: tsig.key}\nlimits:\n  max_body_bytes: 65536\n  max_bdy_bytes: 1\n");
    CHECK(e.key() == "limits.max_bdy_bytes");
    CHECK(e.line() == 4);
    CHECK(mentions(e, "limits.max_bdy_bytes: unknown key"));
    CHECK(mentions(e, "max_body_bytes")); // the known keys are listed as a hint
}

TEST_CASE("a key given twice is refused") {
    TempDir dir;
    dir.write_good_key();
    const ConfigError e = refusal(dir, "dns:\n  key_file: tsig.key\n  port: 53\n  port: 54\n");
    CHECK(e.key() == "dns.port");
    CHECK(mentions(e, "given twice (first on line 3)"));
}

TEST_CASE("a string where an integer belongs is refused") {
    TempDir dir;
    dir.write_good_key();
    const ConfigError e = refusal(dir, "dns:\n  key_file: tsig.key\n  port: abc\n");
    CHECK(e.key() == "dns.port");
    CHECK(std::string(e.what()) == e.file() + ":3: dns.port: must be an integer 1..65535, got 'abc'");

    CHECK(refusal(dir, "dns: {key_file: tsig.key, attempts: [1]}\n").key() == "dns.attempts");
    CHECK(refusal(dir, "dns: {key_file: tsig.key, ttl: 1.5}\n").key() == "dns.ttl");
    CHECK(refusal(dir, "dns: {key_file: [tsig.key]}\n").key() == "dns.key_file");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlisten: 8192\n").key() == "listen");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nallow_private_addresses: yes\n").key() == "allow_private_addresses");
    CHECK(mentions(refusal(dir, "- just\n- a list\n"), "must be a YAML mapping"));
}

TEST_CASE("proxy_protocol without trusted_proxies is refused on its line") {
    TempDir dir;
    dir.write_good_key();
    const ConfigError e = refusal(dir, "dns: {key_file: tsig.key}\nlisten:\n  proxy_protocol: true\n");
    CHECK(e.key() == "listen.proxy_protocol");
    CHECK(e.line() == 3);
    CHECK(mentions(e, "needs trusted_proxies"));
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlisten: {proxy_protocol: 1}\n").key() == "listen.proxy_protocol");
    const GatewayConfig config = load_config(
        dir.write("gw.yaml", "dns: {key_file: tsig.key}\nlisten: {proxy_protocol: true}\ntrusted_proxies: [127.0.0.1]\n"));
    CHECK(config.listen.proxy_protocol);
}

TEST_CASE("trusted_proxy_header names one source and agrees with listen.proxy_protocol") {
    TempDir dir;
    dir.write_good_key();
    CHECK(load_config(dir.write("a.yaml", "dns: {key_file: tsig.key}\n")).trusted_proxy_header == "x-forwarded-for");
    CHECK(load_config(dir.write("b.yaml", "dns: {key_file: tsig.key}\ntrusted_proxy_header: forwarded\n")).trusted_proxy_header ==
          "forwarded");
    // Behind the PROXY protocol it is the only source, given or not.
    CHECK(load_config(dir.write("c.yaml", "dns: {key_file: tsig.key}\nlisten: {proxy_protocol: true}\ntrusted_proxies: "
                                          "[127.0.0.1]\n"))
              .trusted_proxy_header == "proxy-protocol");
    const ConfigError both = refusal(dir, "dns: {key_file: tsig.key}\nlisten: {proxy_protocol: true}\ntrusted_proxies: "
                                          "[127.0.0.1]\ntrusted_proxy_header: x-forwarded-for\n");
    CHECK(both.key() == "trusted_proxy_header");
    CHECK(both.line() == 4);
    CHECK(mentions(both, "no HTTP header is believed"));
    CHECK(mentions(refusal(dir, "dns: {key_file: tsig.key}\ntrusted_proxy_header: proxy-protocol\n"),
                   "needs listen.proxy_protocol"));
    const ConfigError word = refusal(dir, "dns: {key_file: tsig.key}\ntrusted_proxy_header: X-Real-IP\n");
    CHECK(word.key() == "trusted_proxy_header");
    CHECK(mentions(word, "must be one of x-forwarded-for, forwarded, proxy-protocol"));
}

TEST_CASE("listen.addresses takes :: as every interface of both families, alone") {
    TempDir dir;
    dir.write_good_key();
    CHECK(load_config(dir.write("a.yaml", "dns: {key_file: tsig.key}\nlisten: {addresses: [\"::\"]}\n")).listen.addresses ==
          std::vector<std::string>{"::"});
    const ConfigError beside = refusal(dir, "dns: {key_file: tsig.key}\nlisten: {addresses: [\"::\", 0.0.0.0]}\n");
    CHECK(beside.key() == "listen.addresses");
    CHECK(mentions(beside, "give \"::\" alone"));
    CHECK(load_config(dir.write("b.yaml", "dns: {key_file: tsig.key}\nlisten: {addresses: [\"::1\", 127.0.0.1]}\n"))
              .listen.addresses.size() == 2);
}

TEST_CASE("an out-of-range port is refused") {
    TempDir dir;
    dir.write_good_key();
    const ConfigError high = refusal(dir, "dns: {key_file: tsig.key}\nlisten: {port: 70000}\n");
    CHECK(high.key() == "listen.port");
    CHECK(mentions(high, "got '70000'"));
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlisten: {port: 0}\n").key() == "listen.port");
    CHECK(refusal(dir, "dns: {key_file: tsig.key, port: -53}\n").key() == "dns.port");
}

TEST_CASE("out-of-range values elsewhere are refused") {
    TempDir dir;
    dir.write_good_key();
    CHECK(refusal(dir, "dns: {key_file: tsig.key, timeout_ms: 0}\n").key() == "dns.timeout_ms");
    CHECK(refusal(dir, "dns: {key_file: tsig.key, timeout_ms: 60001}\n").key() == "dns.timeout_ms");
    CHECK(refusal(dir, "dns: {key_file: tsig.key, attempts: 11}\n").key() == "dns.attempts");
    CHECK(refusal(dir, "dns: {key_file: tsig.key, call_deadline_ms: 0}\n").key() == "dns.call_deadline_ms");
    CHECK(refusal(dir, "dns: {key_file: tsig.key, ttl: 86401}\n").key() == "dns.ttl");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlimits: {max_body_bytes: 16777217}\n").key() == "limits.max_body_bytes");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlimits: {max_threads: 0}\n").key() == "limits.max_threads");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlimits: {body_timeout_ms: 99999999999999999999}\n").key() ==
          "limits.body_timeout_ms");
}

TEST_CASE("a bad IP address in listen.addresses is refused") {
    TempDir dir;
    dir.write_good_key();
    const ConfigError e = refusal(dir, "dns: {key_file: tsig.key}\nlisten:\n  addresses:\n    - 127.0.0.1\n    - 256.0.0.1\n");
    CHECK(e.key() == "listen.addresses[1]");
    CHECK(e.line() == 5);
    CHECK(mentions(e, "'256.0.0.1'"));
    // inet_aton shorthand and octal are not what the operator meant to write.
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlisten: {addresses: [127.1]}\n").key() == "listen.addresses[0]");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlisten: {addresses: ['010.0.0.1']}\n").key() == "listen.addresses[0]");
    CHECK(refusal(dir, "dns: {key_file: tsig.key, primary: ns1.example.net}\n").key() == "dns.primary");
}

TEST_CASE("an empty or repeated listen address list is refused") {
    TempDir dir;
    dir.write_good_key();
    CHECK(mentions(refusal(dir, "dns: {key_file: tsig.key}\nlisten: {addresses: []}\n"),
                   "listen.addresses: must list at least one"));
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlisten: {addresses: ['::1', '0:0::1']}\n").key() == "listen.addresses[1]");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlisten: {addresses: '::1'}\n").key() == "listen.addresses");
}

TEST_CASE("a bad CIDR in trusted_proxies is refused") {
    TempDir dir;
    dir.write_good_key();
    const auto bad = [&](const std::string& block) {
        return refusal(dir, "dns: {key_file: tsig.key}\ntrusted_proxies: ['10.0.0.1', '" + block + "']\n");
    };
    CHECK(bad("192.0.2.0/33").key() == "trusted_proxies[1]");
    CHECK(mentions(bad("192.0.2.0/33"), "1..32"));
    CHECK(mentions(bad("2001:db8::/129"), "1..128"));
    CHECK(bad("192.0.2.0/").key() == "trusted_proxies[1]");
    CHECK(bad("192.0.2.0/x").key() == "trusted_proxies[1]");
    CHECK(bad("192.0.2/24").key() == "trusted_proxies[1]");
    CHECK(bad("proxy.example.net").key() == "trusted_proxies[1]");
    CHECK(mentions(bad("192.0.2.1/24"), "bits set after the /24"));
    CHECK(mentions(bad("0.0.0.0/0"), "/0"));
}

TEST_CASE("trusted proxy blocks match their addresses") {
    TempDir dir;
    dir.write_good_key();
    const GatewayConfig config = load_config(
        dir.write("gw.yaml", "dns: {key_file: tsig.key}\ntrusted_proxies: [192.0.2.0/25, '2001:db8::/33', 10.1.2.3]\n"));
    REQUIRE(config.trusted_proxies.size() == 3);
    const auto ip = [](const std::string& text) { return Poco::Net::IPAddress(text); };
    const auto& v4 = config.trusted_proxies[0];
    CHECK(v4.contains(ip("192.0.2.0")));
    CHECK(v4.contains(ip("192.0.2.127")));
    CHECK_FALSE(v4.contains(ip("192.0.2.128")));
    CHECK(v4.contains(ip("::ffff:192.0.2.1"))); // an IPv4 peer on a dual-stack socket
    CHECK_FALSE(v4.contains(ip("::ffff:192.0.2.200")));
    CHECK_FALSE(v4.contains(ip("2001:db8::1")));
    const auto& v6 = config.trusted_proxies[1];
    CHECK(v6.contains(ip("2001:db8:7fff::1")));
    CHECK_FALSE(v6.contains(ip("2001:db8:8000::1")));
    CHECK_FALSE(v6.contains(ip("192.0.2.1")));
    CHECK(config.trusted_proxies[2].contains(ip("10.1.2.3")));
    CHECK_FALSE(config.trusted_proxies[2].contains(ip("10.1.2.4")));
}

TEST_CASE("a public_url that is not https is refused") {
    TempDir dir;
    dir.write_good_key();
    const ConfigError e = refusal(dir, "dns: {key_file: tsig.key}\npublic_url: http://dns.example.net/dom/api\n");
    CHECK(e.key() == "public_url");
    CHECK(mentions(e, "https"));
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\npublic_url: dns.example.net\n").key() == "public_url");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\npublic_url: 'https:///dom/api'\n").key() == "public_url");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\npublic_url: 'https://dns.example.net/dom/api?wsdl'\n").key() == "public_url");
    const ConfigError userinfo = refusal(dir, "dns: {key_file: tsig.key}\npublic_url: 'https://u:hunter2@dns.example.net/'\n");
    CHECK_FALSE(mentions(userinfo, "hunter2"));
}

TEST_CASE("half a TLS setup is refused") {
    TempDir dir;
    dir.write_good_key();
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\ntls: {certificate: cert.pem}\n").key() == "tls.private_key");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\ntls: {private_key: key.pem}\n").key() == "tls.certificate");
}

TEST_CASE("a missing dns.key_file is refused") {
    TempDir dir;
    const ConfigError e = refusal(dir, "dns:\n  primary: 127.0.0.1\n");
    CHECK(e.key() == "dns.key_file");
    CHECK(mentions(e, "dns.key_file: required"));
    CHECK(refusal(dir, "").key() == "dns.key_file");
    CHECK(refusal(dir, "dns: {key_file: ''}\n").key() == "dns.key_file");
}

TEST_CASE("a key file missing on disk is refused") {
    TempDir dir;
    const ConfigError e = refusal(dir, "dns:\n  key_file: absent.key\n");
    CHECK(e.key() == "dns.key_file");
    CHECK(e.line() == 2);
    CHECK(mentions(e, (dir.path() / "absent.key").string())); // the resolved path, so the operator sees where it looked
}

TEST_CASE("a key name not in the key file is refused") {
    TempDir dir;
    dir.write_good_key();
    const ConfigError e = refusal(dir, "dns:\n  key_file: tsig.key\n  key_name: other-key\n");
    CHECK(e.key() == "dns.key_name");
    CHECK(e.line() == 3);
    CHECK(mentions(e, "other-key"));
}

TEST_CASE("a key file with hmac-md5 is refused naming the algorithm") {
    TempDir dir;
    dir.write("tsig.key", key_clause("dyndns-gateway", "hmac-md5", kMd5Secret));
    const ConfigError e = refusal(dir, "dns: {key_file: tsig.key}\n");
    CHECK(e.key() == "dns.key_file");
    CHECK(mentions(e, "hmac-md5"));
}

TEST_CASE("a malformed key file is refused without its secret") {
    TempDir dir;
    dir.write("tsig.key", "key \"dyndns-gateway\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + kSecret + "\"\n};\n");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\n").key() == "dns.key_file");
    dir.write("tsig.key", "key \"dyndns-gateway\" {\n\talgorithm hmac-sha256;\n\tsecret \"" + kSecret + "\";\n");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\n").key() == "dns.key_file");
    // A bare secret pasted into the file, and one where a keyword belongs: the word found out of
    // place is the secret, and it must not be echoed.
    dir.write("tsig.key", kSecret + "\n");
    const ConfigError bare = refusal(dir, "dns: {key_file: tsig.key}\n");
    CHECK(bare.key() == "dns.key_file");
    CHECK_FALSE(mentions(bare, kSecret));
    dir.write("tsig.key", "key \"dyndns-gateway\" {\n\talgorithm hmac-sha256;\n\t" + kSecret + " x;\n};\n");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\n").key() == "dns.key_file");
}

TEST_CASE("a YAML syntax error names the file and line") {
    TempDir dir;
    const ConfigError e = refusal(dir, "dns:\n  key_file: tsig.key\nlisten: [127.0.0.1,\nlimits: {}\n  x: y\n");
    CHECK(e.key().empty());
    CHECK(e.line() > 0);
    CHECK(mentions(e, e.file() + ":" + std::to_string(e.line()) + ": YAML syntax error"));

    const ConfigError indent = refusal(dir, "dns:\n  key_file: tsig.key\n bad: indent\n");
    CHECK(indent.line() == 3);
}

TEST_CASE("a config file that cannot be read is refused") {
    TempDir dir;
    const std::string missing = (dir.path() / "nope.yaml").string();
    CHECK_THROWS_WITH_AS(load_config(missing), doctest::Contains((missing + ": cannot open").c_str()), ConfigError);
    CHECK_THROWS_AS(load_config(dir.path().string()), ConfigError);
}

TEST_CASE("ConfigError leaves out what it does not know") {
    CHECK(std::string(ConfigError("gw.yaml", 0, "dns.port", "bad").what()) == "gw.yaml: dns.port: bad");
    CHECK(std::string(ConfigError("gw.yaml", 4, "", "bad").what()) == "gw.yaml:4: bad");
}

TEST_CASE("other primaries take their zones and default to the main key and bounds") {
    TempDir dir;
    dir.write_good_key();
    dir.write("b.key", key_clause("gw-b", "hmac-sha512", kSecret));
    const std::string path = dir.write("gw.yaml", R"(dns:
  key_file: tsig.key
  timeout_ms: 1500
  primaries:
    - address: 192.0.2.54
      zones: [Example.ORG., example.net]
    - address: "2001:db8::54"
      port: 5353
      key_file: b.key
      key_name: gw-b
      timeout_ms: 700
      attempts: 3
      zones: [example.info]
)");
    const auto config = load_config(path);
    REQUIRE(config.dns.primaries.size() == 2);
    const auto& a = config.dns.primaries[0];
    CHECK(a.address == "192.0.2.54");
    CHECK(a.port == 53);
    CHECK(a.zones == std::vector<std::string>{"example.org", "example.net"});
    CHECK(a.key.name == "dyndns-gateway");
    CHECK(a.key_file == config.dns.key_file);
    CHECK_FALSE(a.timeout.has_value());
    const auto& b = config.dns.primaries[1];
    CHECK(b.address == "2001:db8::54");
    CHECK(b.port == 5353);
    CHECK(b.key.name == "gw-b");
    CHECK(b.timeout == std::chrono::milliseconds(700));
    CHECK(b.attempts == 3u);
}

TEST_CASE("a zone given to two primaries or a primary without an address or zones is refused") {
    TempDir dir;
    dir.write_good_key();
    CHECK(mentions(refusal(dir, "dns:\n  key_file: tsig.key\n  primaries:\n    - {address: 192.0.2.1, zones: [a.test]}\n"
                                "    - {address: 192.0.2.2, zones: [A.test.]}\n"),
                   "more than one primary"));
    CHECK(refusal(dir, "dns:\n  key_file: tsig.key\n  primaries:\n    - {zones: [a.test]}\n").key() == "dns.primaries[0]");
    CHECK(refusal(dir, "dns:\n  key_file: tsig.key\n  primaries:\n    - {address: 192.0.2.1}\n").key() == "dns.primaries[0]");
    CHECK(refusal(dir, "dns:\n  key_file: tsig.key\n  primaries:\n    - {address: 192.0.2.1, zones: [com]}\n").key() ==
          "dns.primaries[0].zones[0]");
    CHECK(refusal(dir, "dns:\n  key_file: tsig.key\n  primaries:\n    - {address: 192.0.2.1, zones: [a.test], key_name: nope}\n")
              .key() == "dns.primaries[0].key_name");
}

TEST_CASE("metrics.listen takes an address and port or nothing and log.level a syslog word") {
    TempDir dir;
    dir.write_good_key();
    const auto config =
        load_config(dir.write("gw.yaml", "dns: {key_file: tsig.key}\nmetrics: {listen: \"[::1]:9300\"}\nlog: {level: notice}\n"));
    CHECK(config.metrics.enabled);
    CHECK(config.metrics.address == "::1");
    CHECK(config.metrics.port == 9300);
    CHECK(config.log.level == dyndns::config::LogLevel::Notice);
    CHECK_FALSE(load_config(dir.write("gw.yaml", "dns: {key_file: tsig.key}\nmetrics: {listen: \"\"}\n")).metrics.enabled);
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nmetrics: {listen: \"localhost:9192\"}\n").key() == "metrics.listen");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nmetrics: {listen: \"127.0.0.1\"}\n").key() == "metrics.listen");
    // Like listen.addresses: IPv4 only as the dotted quad, so 127.1 is not silently 127.0.0.1.
    const ConfigError short_form = refusal(dir, "dns: {key_file: tsig.key}\nmetrics: {listen: \"127.1:9192\"}\n");
    CHECK(short_form.key() == "metrics.listen");
    CHECK(std::string(short_form.what()).find("127.1:9192") != std::string::npos);
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nmetrics: {listen: \"127.0.0.1:70000\"}\n").key() == "metrics.listen");
    const auto dotted = load_config(dir.write("gw.yaml", "dns: {key_file: tsig.key}\nmetrics: {listen: \"127.0.0.1:9192\"}\n"));
    CHECK(dotted.metrics.address == "127.0.0.1");
    CHECK(dotted.metrics.port == 9192);
    CHECK(load_config(dir.write("gw.yaml", "dns: {key_file: tsig.key}\nmetrics: {listen: \"[::1]:9192\"}\n")).metrics.port ==
          9192);
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nlog: {level: loud}\n").key() == "log.level");
}

TEST_CASE("store.postgresql names a PostgreSQL store and is never quoted in a refusal") {
    TempDir dir;
    dir.write_good_key();
    const std::string connection = "host=db.example.net dbname=dyndns password=" + kSecret;
    const std::string path = dir.write("gw.yaml", "dns: {key_file: tsig.key}\nstore:\n  postgresql: \"" + connection + "\"\n");
    CHECK(load_config(path).store.postgresql == connection);
    // Both stores at once, a control character, an empty value: refused without the secret
    // (refusal() checks every message for it).
    CHECK(mentions(refusal(dir, "dns: {key_file: tsig.key}\nstore:\n  path: a.sqlite\n  postgresql: \"" + connection + "\"\n"),
                   "give one"));
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nstore:\n  postgresql: \"" + connection + "\\tx\"\n").key() ==
          "store.postgresql");
    CHECK(refusal(dir, "dns: {key_file: tsig.key}\nstore:\n  postgresql: \"\"\n").key() == "store.postgresql");
}
