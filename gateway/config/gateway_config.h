// The gateway's YAML configuration: typed structs with their defaults, and the loader that validates every key.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <Poco/Net/IPAddress.h>

#include "vocabulary/cidr.h"
#include "dns/tsig_key.h"

namespace dyndns::config {

// An address block (core/cidr.h): the core owns the type, the configuration fills it.
using Cidr = core::Cidr;

struct ListenConfig {
    std::vector<std::string> addresses{"127.0.0.1", "::1"}; // canonical text form, never empty
    std::uint16_t port = 8192;
    // Every connection starts with a PROXY protocol header (v1 or v2) naming the client; only
    // peers in trusted_proxies may connect at all (GatewayConfig::trusted_proxies).
    bool proxy_protocol = false;
};

// Both set or both empty. Required when serving; load_config does not require the files to exist.
struct TlsConfig {
    std::string certificate; // PEM path, resolved against the config file's directory
    std::string private_key; // PEM path, resolved against the config file's directory
};

// A primary other than the default one, and the zones it serves.
struct PrimaryConfig {
    std::vector<std::string> zones; // lower case, no trailing dot; each zone named by one primary only
    std::string address; // an IP address, canonical text form
    std::uint16_t port = 53;
    std::string key_file; // default: dns.key_file; resolved against the config file's directory
    std::string key_name; // default: dns.key_name
    std::optional<std::chrono::milliseconds> timeout; // default: dns.timeout_ms
    std::optional<unsigned> attempts; // default: dns.attempts
    dns::TsigKey key; // loaded by load_config/parse_config
    int line = 0; // where it is in the file, for messages about its key
};

struct DnsConfig {
    std::string primary = "127.0.0.1"; // an IP address, canonical text form
    std::uint16_t port = 53;
    std::string key_file; // required; resolved against the config file's directory
    std::string key_name = "dyndns-gateway";
    std::chrono::milliseconds timeout{2000}; // per attempt
    unsigned attempts = 2;
    // Bounds all DNS exchanges of one call together (read, UPDATE, read back); attempts are cut short to fit.
    std::chrono::milliseconds call_deadline{5000};
    std::uint32_t ttl = 60; // the TTL of every record the gateway writes
    unsigned max_batch = 64; // changes to one zone that may travel in one UPDATE message
    dns::TsigKey key; // loaded from key_file by load_config/parse_config; holds the secret
    // Zones served elsewhere; every other zone is the default primary's (primary, port, key).
    std::vector<PrimaryConfig> primaries;
    // Where the primaries' NOTIFYs arrive ("127.0.0.1:5300"); "" (the default): zones are not
    // followed and every call reads its name from the primary.
    std::string notify_listen;
    std::size_t max_zone_records = 1'000'000; // a zone with more is not followed: its names are read per call
    std::chrono::seconds zone_refresh{300}; // a followed zone's serial is checked this often without NOTIFY
};

struct StoreConfig {
    std::string path = "gateway.sqlite"; // resolved against the config file's directory
    // A libpq connection string (key=value pairs or a postgresql:// URI): the store is then this
    // PostgreSQL database instead of the SQLite file. May hold a password: never logged.
    std::string postgresql;
    unsigned history_days = 90; // history rows older than this are deleted; 0 keeps them all
};

struct LimitsConfig {
    std::size_t max_body_bytes = 64 * 1024;
    std::size_t max_header_bytes = 8 * 1024;
    std::size_t max_uri_bytes = 2048;
    unsigned max_threads = 16; // workers running complete requests (they block on DNS and argon2)
    unsigned max_queue = 64; // complete requests waiting for a worker; beyond, 503
    // Each deadline covers a whole phase of a connection, not one read; a connection that misses one is closed.
    std::chrono::milliseconds handshake_timeout{5000}; // the TLS handshake
    std::chrono::milliseconds head_timeout{5000}; // a request head, from its first byte
    std::chrono::milliseconds body_timeout{10000}; // a request body, whole; writing an answer gets as long
    std::chrono::milliseconds keep_alive_timeout{15000}; // idle between requests
    unsigned max_keep_alive_requests = 100;
    std::size_t max_connections = 10000; // open at once; at the cap the oldest idle ones close first
    std::size_t max_connections_per_address = 32; // per IPv4 address or IPv6 /64, refused at accept beyond
    unsigned new_connections_per_second_per_address = 100; // bursts of twice that; 0: no rate
    std::size_t max_requests_per_address = 8; // requests being run at once per address; beyond, 503
    unsigned calls_per_minute = 120; // SetDyndnsIp/GetDyndnsIp calls per account, burst included; 0: no limit
    unsigned event_loops = 0; // threads that accept and drive connections; 0: one per core
    bool answer_calls_on_loop = false; // XML-RPC and dyndns2 calls that need nothing that waits are answered by the loop
};

// The metrics and health listener: clear HTTP, loopback by default (docs/contract.md "Metrics and health").
struct MetricsConfig {
    bool enabled = true; // metrics.listen: "" turns it off
    std::string address = "127.0.0.1"; // an IP address, canonical text form
    std::uint16_t port = 9192;
};

// ACME DNS-01 challenges (docs/contract.md "ACME DNS-01 challenges").
struct AcmeConfig {
    std::uint32_t ttl = 60; // the TTL of the _acme-challenge TXT records the gateway writes
};

// Webhooks (docs/webhooks.md): who may be a target, how deliveries are sent and retried.
struct WebhooksConfig {
    bool allow_private_addresses = false; // targets on loopback, private, link-local... networks
    std::string ca_file; // extra trust anchors (PEM) beside the system's; "" the system's alone
    unsigned senders = 2; // delivery threads; 0: this gateway sends none (another on the store does)
    std::chrono::milliseconds timeout{10000}; // one attempt, whole: connect, TLS, request, answer
    std::size_t max_answer_bytes = 64 * 1024; // an answer's body read beyond this is cut off
    std::chrono::seconds first_retry{10}; // the first gap after a failure; doubled each time, at most an hour
    std::size_t max_pending = 1000; // per webhook: undelivered events beyond are not queued
    unsigned keep_days = 7; // delivered and failed deliveries are kept this long for the panel and dyndnsctl
};

enum class LogLevel { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 }; // syslog priorities

struct LogConfig {
    LogLevel level = LogLevel::Info; // info: an access line per call; notice: events only
};

struct GatewayConfig {
    ListenConfig listen;
    TlsConfig tls;
    std::string public_url = "https://127.0.0.1:8192/dom/api"; // https, no user info, query or fragment
    DnsConfig dns;
    StoreConfig store;
    // Peers whose X-Forwarded-For / Forwarded headers are believed; with listen.proxy_protocol,
    // the only peers that may connect, and whose PROXY header names the client.
    std::vector<Cidr> trusted_proxies;
    // The one source of the client's address from a trusted proxy (vocabulary/forwarding_header.h's
    // words); "proxy-protocol" exactly when listen.proxy_protocol is on.
    std::string trusted_proxy_header = "x-forwarded-for";
    bool allow_private_addresses = false;
    LimitsConfig limits;
    MetricsConfig metrics;
    LogConfig log;
    AcmeConfig acme;
    WebhooksConfig webhooks;
};

// A configuration problem. what() is "FILE:LINE: KEY: problem", e.g.
// "gw.yaml:7: dns.port: must be an integer 1..65535, got 'abc'"; ":LINE" is left out when the
// line is unknown and "KEY: " when the problem concerns the whole file (unreadable, YAML syntax).
// A message never contains a TSIG secret.
class ConfigError : public std::runtime_error {
public:
    ConfigError(std::string file, int line, std::string key, const std::string& problem);

    const std::string& file() const noexcept { return file_; }
    int line() const noexcept { return line_; } // 1-based; 0 when unknown
    const std::string& key() const noexcept { return key_; } // dotted path, e.g. "limits.max_body_bytes"

private:
    std::string file_;
    int line_;
    std::string key_;
};

// Reads and validates the file at `path`, resolves relative paths (dns.key_file, tls.*, store.path)
// against the file's directory and loads the TSIG key. Throws ConfigError.
GatewayConfig load_config(const std::string& path);

// The same from text already read: `origin` names the text in messages, `base_dir` is what relative
// paths are resolved against (empty: leave them relative to the working directory). Loads the TSIG
// key too. Throws ConfigError.
GatewayConfig parse_config(const std::string& yaml_text, const std::string& origin, const std::string& base_dir);

} // namespace dyndns::config
