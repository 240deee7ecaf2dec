// The configuration table's rows for the clients and the edge: proxies, limits, metrics, log and ACME.
#include "config/client_and_edge_keys.h"

#include "config/special_keys.h"

namespace dyndns::config {
namespace {

// Bounds, as in config_keys.cpp: low enough to stop a typo making the service unusable, high enough for
// real use, no higher than one client should be able to hold.
constexpr long long kMinEdgeTimeoutMs = 100;
constexpr long long kMaxEdgeTimeoutMs = 3'600'000;
constexpr long long kMaxConnections = 1'000'000;

constexpr auto R = Reload::Restart;
constexpr auto S = Reload::OnSighup;

const KeyRow kKeys[] = {
    {.path = "trusted_proxies",
     .type = "list of address blocks",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.trusted_proxies; },
     .reload = S,
     .doc = "Reverse proxies whose X-Forwarded-For / Forwarded headers are believed: a request whose direct peer is in one "
            "of these gets the client address from those headers; from anyone else the headers are ignored. Addresses (a "
            "/32 or /128) or network/prefix blocks with the host bits zero (192.0.2.0/24, not 192.0.2.1/24); /0 is refused "
            "(it would let every client name its own address). An IPv4 block also matches the IPv4-mapped IPv6 form "
            "(::ffff:192.0.2.1). With listen.proxy_protocol: the load balancers allowed to connect (required then).",
     .read = read_trusted_proxies,
     .example = "[]\n#trusted_proxies: [\"10.0.0.1\", \"192.0.2.0/24\", \"2001:db8::/32\"]",
     .default_doc = "[] (no proxy; the peer's own address is used)"},
    {.path = "trusted_proxy_header",
     .type = "x-forwarded-for, forwarded or proxy-protocol",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.trusted_proxy_header; },
     .reload = S,
     .doc = "Where a trusted proxy names the client: the one header believed, never another one the client may have "
            "written. x-forwarded-for: every X-Forwarded-For line joined (RFC 9110 5.3) and read from the last entry back, "
            "past trusted proxies, to the first that is not one; HAProxy's option forwardfor and nginx's "
            "$proxy_add_x_forwarded_for append the client there. forwarded: the for= of RFC 7239 Forwarded, read the same "
            "way; the proxy must append to it. proxy-protocol: the PROXY protocol header alone (it is the only value, and "
            "the default, with listen.proxy_protocol).",
     .read = read_trusted_proxy_header,
     .default_doc = "x-forwarded-for (proxy-protocol with listen.proxy_protocol)"},
    {.path = "allow_private_addresses",
     .type = "true or false",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.allow_private_addresses; },
     .reload = S,
     .doc = "Accept addresses that are not globally reachable as a domain's address: loopback, private (RFC 1918), CGNAT, "
            "link-local, ULA, multicast, unspecified, documentation (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, "
            "2001:db8::/32, 3fff::/20), benchmarking and the rest of the IANA special-purpose registries' non-reachable "
            "blocks, and NAT64/6to4 forms carrying such an IPv4 address. Off, because such an address almost always means "
            "the client is behind NAT; turn on for a lab, a demo or an internal-only zone."},
    {.path = "limits.max_body_bytes",
     .type = "bytes",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.max_body_bytes; },
     .reload = S,
     .doc = "Largest request body.",
     .min = 1024,
     .max = 16 * 1024 * 1024},
    {.path = "limits.max_header_bytes",
     .type = "bytes",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.max_header_bytes; },
     .reload = S,
     .doc = "Largest request header block.",
     .min = 1024,
     .max = 1024 * 1024},
    {.path = "limits.max_uri_bytes",
     .type = "bytes",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.max_uri_bytes; },
     .reload = S,
     .doc = "Longest request URI (path and query).",
     .min = 256,
     .max = 64 * 1024},
    {.path = "limits.max_threads",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.max_threads; },
     .reload = R,
     .doc = "Worker threads running complete requests (they wait on DNS and password hashing; connections themselves need "
            "no thread).",
     .min = 1,
     .max = 1024},
    {.path = "limits.max_queue",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.max_queue; },
     .reload = R,
     .doc = "Complete requests waiting for a worker before new ones are answered 503.",
     .min = 1,
     .max = 65536},
    {.path = "limits.handshake_timeout_ms",
     .type = "milliseconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.handshake_timeout; },
     .reload = S,
     .doc = "The TLS handshake.",
     .min = kMinEdgeTimeoutMs,
     .max = kMaxEdgeTimeoutMs},
    {.path = "limits.head_timeout_ms",
     .type = "milliseconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.head_timeout; },
     .reload = S,
     .doc = "A request head, from its first byte (or the handshake's end) to its blank line.",
     .min = kMinEdgeTimeoutMs,
     .max = kMaxEdgeTimeoutMs},
    {.path = "limits.body_timeout_ms",
     .type = "milliseconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.body_timeout; },
     .reload = S,
     .doc = "A request body, whole; writing an answer to a client that does not read gets as long.",
     .min = kMinEdgeTimeoutMs,
     .max = kMaxEdgeTimeoutMs},
    {.path = "limits.keep_alive_timeout_ms",
     .type = "milliseconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.keep_alive_timeout; },
     .reload = S,
     .doc = "An idle keep-alive connection between requests.",
     .min = kMinEdgeTimeoutMs,
     .max = kMaxEdgeTimeoutMs},
    {.path = "limits.max_connections",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.max_connections; },
     .reload = S,
     .doc = "Connections open at once; at the cap the oldest idle keep-alive connection closes first, then the oldest that "
            "carries no request yet, and a new connection is refused only when every one carries a request. The gateway raises "
            "its open-files limit to fit; the systemd unit sets "
            "LimitNOFILE=16384 (room for 10000 and the "
            "spare descriptors): raise both together.",
     .min = 1,
     .max = kMaxConnections},
    {.path = "limits.max_connections_per_address",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.max_connections_per_address; },
     .reload = S,
     .doc = "Connections one client may hold open at once (an IPv4 address, or an IPv6 /64); more are closed at accept. "
            "Behind a TCP proxy every client has the proxy's address: raise it there.",
     .min = 1,
     .max = kMaxConnections},
    {.path = "limits.new_connections_per_second_per_address",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.new_connections_per_second_per_address; },
     .reload = S,
     .doc = "New connections one client (an IPv4 address, or an IPv6 /64) may open a second, in bursts of twice that; "
            "more are closed at accept, before any TLS work, so one address cannot keep the loop busy with handshakes. "
            "An IPv6 /56 may open 4 times as many, a /48 16 times, however they are spread over its /64s. Behind the "
            "PROXY protocol the client its header names is counted. 0: no rate.",
     .min = 0,
     .max = 100'000},
    {.path = "limits.event_loops",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.event_loops; },
     .reload = R,
     .doc = "Event loops (threads) that accept connections, do their TLS and read and write their requests; they share the "
            "listening sockets, and every cap above holds across them. 0: one per core. Each does at most 8 TLS handshake "
            "steps a turn.",
     .min = 0,
     .max = 64},
    {.path = "limits.answer_calls_on_loop",
     .type = "true or false",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.answer_calls_on_loop; },
     .reload = R,
     .doc = "Let the event loop answer an XML-RPC or dyndns2 call itself when it needs nothing that waits (credentials "
            "verified before, the name's zone followed and in step, the address unchanged, the budget kept in memory), "
            "instead of handing it to a worker and back; anything that would wait (argon2, a database read, DNS, SOAP) "
            "still goes to a worker. Off by default: with one loop it moves most of the work onto one thread, which "
            "lowers the CPU per call but lengthens the slowest calls when the machine is busy (README \"Throughput\")."},
    {.path = "limits.max_requests_per_address",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.max_requests_per_address; },
     .reload = S,
     .doc = "Requests one client (an IPv4 address, or an IPv6 /64) may have being run at once; more are answered 503 with "
            "Retry-After, so one client cannot fill the workers' queue. Behind a TCP proxy, raise it as above.",
     .min = 1,
     .max = kMaxConnections},
    {.path = "limits.max_keep_alive_requests",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.max_keep_alive_requests; },
     .reload = S,
     .doc = "Requests served on one keep-alive connection before it is closed.",
     .min = 1,
     .max = 100'000},
    {.path = "limits.calls_per_minute",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.limits.calls_per_minute; },
     .reload = S,
     .doc = "Calls (SetDyndnsIp, GetDyndnsIp, dyndns2 updates) one account may make per minute, bursts included, before it "
            "gets RATE_LIMITED (dyndns2: abuse) with the seconds to wait; every call costs a read from the primary, and a "
            "changed address an UPDATE. 0 = no limit.",
     .min = 0,
     .max = 1'000'000},
    {.path = "metrics.listen",
     .type = "ADDRESS:PORT",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.metrics; },
     .reload = R,
     .doc = "ADDRESS:PORT with an IP address (\"[::1]:9192\" for IPv6; IPv4 as a dotted quad), or \"\" to turn it off.",
     .read = read_metrics_listen,
     .text = metrics_listen_text},
    {.path = "log.level",
     .type = "log level",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.log.level; },
     .reload = S,
     .doc = "One of error, warning, notice, info (an access line per call), debug.",
     .read = read_log_level},
    {.path = "acme.ttl",
     .type = "seconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.acme.ttl; },
     .reload = S,
     .doc = "The TTL of the _acme-challenge TXT records the gateway writes. Short, so a resolver does not keep an old "
            "challenge while a CA checks the next.",
     .min = 1,
     .max = kMaxTtl},
};

} // namespace

std::span<const KeyRow> client_and_edge_keys() { return kKeys; }

} // namespace dyndns::config
