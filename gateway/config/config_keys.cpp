// The table of every configuration key (the service, DNS and store rows here; the rest in client_and_edge_keys.cpp).
#include "config/config_keys.h"

#include <iterator>
#include <vector>

#include "config/client_and_edge_keys.h"
#include "config/webhook_keys.h"
#include "config/special_keys.h"

namespace dyndns::config {
namespace {

// Bounds. The lower ones keep a typo from making the service unusable (a 10-byte body limit
// refuses every XML-RPC call); the upper ones keep one client from holding much memory or a
// worker for long.
constexpr long long kMaxPort = 65535;
constexpr long long kMaxTimeoutMs = 60'000;

constexpr auto R = Reload::Restart;
constexpr auto S = Reload::OnSighup;

const SectionRow kSections[] = {
    {"listen", "Where the HTTPS service listens: XML-RPC, SOAP, dyndns2 and the panel share one port."},
    {"tls", "The server's certificate and private key, PEM files. Both or neither; the server needs them to serve HTTPS and "
            "checks that they exist and match when it starts (not when this file is read, so the file can be checked on a "
            "machine that does not hold them). The installed configuration names /etc/dyndns-gateway/tls/cert.pem and "
            "/etc/dyndns-gateway/tls/key.pem; the key must be readable by the user dyndns-gateway."},
    {"dns", "The BIND primary that receives the RFC 2136 UPDATEs."},
    {"store", "The store of accounts, domains, the dyndns switch, tokens and history."},
    {"limits", "Bounds on what one client can make the server hold or wait for. The *_timeout_ms deadlines each cover a whole "
               "phase of a connection (not one read); a connection that misses one is closed (408 when a request had begun)."},
    {"metrics", "The metrics and health listener: clear HTTP, so keep it on loopback or a management network. GET /metrics "
                "(Prometheus text format), /healthz (alive), /readyz (the store and the DNS primaries answer)."},
    {"log", "Log lines go to stderr, each with a syslog priority prefix (<3> error ... <7> debug) that journald reads."},
    {"acme", "ACME DNS-01 challenges: TXT records the gateway writes for a client's certificate."},
    {"webhooks", "Webhooks (docs/webhooks.md): after every change that reached the primary the gateway POSTs a signed JSON "
                 "event to the HTTPS URLs customers registered. Deliveries wait in the store and are retried with "
                 "exponential backoff for a day; a call never waits for one."},
};

const KeyRow kKeys[] = {
    {.path = "listen.addresses",
     .type = "list of IP addresses",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.listen.addresses; },
     .reload = R,
     .doc = "IPv4 and/or IPv6 addresses to bind; at least one. \"::\" means every interface of both families (one dual-stack "
            "socket; list it alone), \"0.0.0.0\" every IPv4 interface. IPv4 is written as a plain dotted quad (127.1 or "
            "010.0.0.1 are refused).",
     .read = read_listen_addresses},
    {.path = "listen.port",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.listen.port; },
     .reload = R,
     .doc = "TCP port (8192 is the original service's). A port below 1024 needs the capability CAP_NET_BIND_SERVICE (a drop-in "
            "in /usr/share/doc/dyndns-gateway/examples/).",
     .min = 1,
     .max = kMaxPort},
    {.path = "listen.proxy_protocol",
     .type = "true or false",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.listen.proxy_protocol; },
     .reload = R,
     .doc = "Behind a TCP load balancer (HAProxy send-proxy-v2, see the README): every connection must begin with a PROXY "
            "protocol header, v2 (binary) or v1 (text), before its TLS. The client's address in it is the caller's address "
            "for everything: the empty `ip`, the per-address caps, the login throttle, the logs. Only peers in "
            "trusted_proxies may connect (anyone else is closed at once, before anything is read); a header that is "
            "malformed, oversized or not complete within limits.handshake_timeout_ms closes the connection. A v2 LOCAL "
            "header (the balancer's own health check) keeps the balancer's address. X-Forwarded-For and Forwarded headers "
            "are ignored on such a listener: the client wrote them."},
    {.path = "tls.certificate",
     .type = "path",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.tls.certificate; },
     .reload = S,
     .doc = "The certificate (chain), PEM.",
     .example = "tls/cert.pem",
     .default_doc = "unset"},
    {.path = "tls.private_key",
     .type = "path",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.tls.private_key; },
     .reload = S,
     .doc = "Its private key, PEM.",
     .example = "tls/key.pem",
     .default_doc = "unset"},
    {.path = "public_url",
     .type = "URL",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.public_url; },
     .reload = R,
     .doc = "The URL clients are told to call: the WSDL's soap:address. Must be https://HOST[:PORT][/PATH] with no user "
            "name, password, query or fragment. Set it to the name and port clients use when the gateway is behind a proxy "
            "or listens on another port.",
     .read = read_public_url},
    {.path = "dns.primary",
     .type = "IP address",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.primary; },
     .reload = R,
     .doc = "The primary's IP address (not a host name).",
     .read = read_ip_key},
    {.path = "dns.port",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.port; },
     .reload = R,
     .doc = "Its DNS port.",
     .min = 1,
     .max = kMaxPort},
    {.path = "dns.key_file",
     .type = "path",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.key_file; },
     .reload = R,
     .doc = "The BIND key file holding the gateway's TSIG key: the output of `tsig-keygen dyndns-gateway`, the same file "
            "named.conf includes. hmac-sha256, hmac-sha512 and hmac-sha1 are accepted; hmac-md5 and hmac-sha384 are "
            "refused. The installed configuration names /etc/bind/dyndns-gateway.key.",
     .example = "tsig.key",
     .required = true},
    {.path = "dns.key_name",
     .type = "string",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.key_name; },
     .reload = R,
     .doc = "The name of the key in key_file (case and a trailing dot do not matter)."},
    {.path = "dns.timeout_ms",
     .type = "milliseconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.timeout; },
     .reload = R,
     .doc = "How long to wait for the primary on each attempt.",
     .min = 1,
     .max = kMaxTimeoutMs},
    {.path = "dns.attempts",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.attempts; },
     .reload = R,
     .doc = "How many times a query or UPDATE is tried before the call fails with DNS_UNAVAILABLE.",
     .min = 1,
     .max = 10},
    {.path = "dns.call_deadline_ms",
     .type = "milliseconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.call_deadline; },
     .reload = S,
     .doc = "The most time one call may spend on DNS in total: the read of the current address, the UPDATE and a read "
            "back after an UPDATE went unanswered. Attempts are cut short to fit and none starts after it; then the call "
            "fails with DNS_UNAVAILABLE, saying whether nothing changed or the change may have been applied. Keep it below "
            "the clients' own timeouts.",
     .min = 1,
     .max = kMaxTimeoutMs},
    {.path = "dns.ttl",
     .type = "seconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.ttl; },
     .reload = S,
     .doc = "The TTL of every A/AAAA record the gateway writes. Short, so that resolvers follow an address change quickly.",
     .min = 1,
     .max = kMaxTtl},
    {.path = "dns.max_batch",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.max_batch; },
     .reload = R,
     .doc = "Concurrent changes to one zone travel together in one UPDATE (group commit); at most this many in one message "
            "(1 sends every change alone).",
     .min = 1,
     .max = 1000},
    {.path = "dns.notify_listen",
     .type = "ADDRESS:PORT",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.notify_listen; },
     .reload = R,
     .doc = "Follow every dyndns zone as a secondary would (AXFR, then IXFR on the primary's NOTIFY), so that no call reads "
            "from the primary and an unchanged address costs no DNS traffic. ADDRESS:PORT where the primaries' NOTIFYs "
            "arrive, signed with their key (named.conf: also-notify { ADDRESS port PORT key \"dyndns-gateway\"; }; "
            "notify-delay 0; allow-transfer { key \"dyndns-gateway\"; };). \"\" turns following off: every call reads its "
            "name from the primary.",
     .read = read_notify_listen},
    {.path = "dns.max_zone_records",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.max_zone_records; },
     .reload = R,
     .doc = "A followed zone's transfer is cut off after this many records and the zone is no longer followed (its names "
            "are read from the primary per call): a primary, or a zone, that sends millions of records costs a bounded "
            "amount of memory once.",
     .min = 100,
     .max = 100'000'000},
    {.path = "dns.zone_refresh_s",
     .type = "seconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.zone_refresh; },
     .reload = R,
     .doc = "Each followed zone's serial is checked this often even without a NOTIFY.",
     .min = 1,
     .max = 86400},
    {.path = "dns.primaries",
     .type = "list of primaries",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.dns.primaries; },
     .reload = R,
     .doc = "Zones served by other primaries. Every zone not named here goes to the primary above. Each entry has address "
            "(required), port, key_file, key_name, timeout_ms, attempts (the same bounds as the keys above, which are "
            "their defaults) and zones (required, a zone may be named by one primary only); each primary has its own "
            "connections.",
     .read = read_primaries,
     .text = primaries_text,
     .example = "[]\n#primaries:\n#  - address: 192.0.2.54\n#    port: 53\n#    key_file: /etc/bind/dyndns-gateway-b.key\n"
                "#    key_name: dyndns-gateway\n#    timeout_ms: 2000\n#    attempts: 2\n#    zones: [example.org, example.net]",
     .default_doc = "[] (one primary)"},
    {.path = "store.path",
     .type = "path",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.store.path; },
     .reload = R,
     .doc = "The SQLite database file; created if missing. The installed configuration names "
            "/var/lib/dyndns-gateway/gateway.sqlite."},
    {.path = "store.postgresql",
     .type = "connection string (libpq)",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.store.postgresql; },
     .reload = R,
     .doc = "Or a PostgreSQL database shared by several gateways (give path or postgresql, not both): key=value pairs or a "
            "postgresql:// URI, no spaces inside a value, at most 4096 bytes. The database must exist; the schema is made "
            "in it. Never logged (it may hold a password).",
     .read = read_postgresql,
     .example = "#\"host=db.example.net port=5432 dbname=dyndns user=dyndns password=secret\"",
     .default_doc = "none (SQLite)"},
    {.path = "store.history_days",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.store.history_days; },
     .reload = S,
     .doc = "Update history older than this many days is deleted (checked hourly); 0 keeps everything.",
     .min = 0,
     .max = 36500},
};

} // namespace

std::span<const KeyRow> config_keys() {
    static const std::vector<KeyRow> all = [] {
        std::vector<KeyRow> rows(std::begin(kKeys), std::end(kKeys));
        const auto more = client_and_edge_keys();
        rows.insert(rows.end(), more.begin(), more.end());
        const auto webhooks = webhook_keys();
        rows.insert(rows.end(), webhooks.begin(), webhooks.end());
        return rows;
    }();
    return all;
}

std::span<const SectionRow> config_sections() { return kSections; }

} // namespace dyndns::config
