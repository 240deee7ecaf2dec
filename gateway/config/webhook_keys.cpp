// The configuration table's rows for webhooks: targets, trust, the senders' bounds and the retry schedule.
#include "config/webhook_keys.h"

namespace dyndns::config {
namespace {

constexpr auto R = Reload::Restart;

const KeyRow kKeys[] = {
    {.path = "webhooks.allow_private_addresses",
     .type = "true or false",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.webhooks.allow_private_addresses; },
     .reload = R,
     .doc = "Whether a webhook URL may lead to a loopback, private, carrier-grade NAT, link-local, unique local, "
            "documentation, multicast or unspecified address (the ranges allow_private_addresses names). Off, such a URL is "
            "refused when it is registered, and a delivery whose host has come to resolve to one fails without connecting: "
            "a customer cannot make the gateway reach the operator's own network."},
    {.path = "webhooks.ca_file",
     .type = "path",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.webhooks.ca_file; },
     .reload = R,
     .doc = "Certificates (PEM) a receiver's certificate may chain to, besides the system's trust store. Receivers' "
            "certificates are always verified, their names included.",
     .example = "#/etc/dyndns-gateway/webhook-ca.pem",
     .default_doc = "unset (the system's trust store alone)"},
    {.path = "webhooks.senders",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.webhooks.senders; },
     .reload = R,
     .doc = "Threads sending deliveries, each one at a time. 0: this gateway sends none (gateways sharing a PostgreSQL "
            "store claim each delivery once, so any of them may send).",
     .min = 0,
     .max = 16},
    {.path = "webhooks.timeout_ms",
     .type = "milliseconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.webhooks.timeout; },
     .reload = R,
     .doc = "One attempt, whole: resolving, connecting, TLS, the request and the answer. A receiver slower than this "
            "fails the attempt.",
     .min = 1000,
     .max = 60'000},
    {.path = "webhooks.max_answer_bytes",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.webhooks.max_answer_bytes; },
     .reload = R,
     .doc = "The most of a receiver's answer body that is read; the connection is closed past it. Only the status "
            "counts.",
     .min = 0,
     .max = 1024 * 1024},
    {.path = "webhooks.first_retry_seconds",
     .type = "seconds",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.webhooks.first_retry; },
     .reload = R,
     .doc = "The wait after a delivery's first failed attempt; each later wait is twice the one before, at most an "
            "hour. A delivery is given up (failed) when its next attempt would come more than 24 hours after its event.",
     .min = 1,
     .max = 3600},
    {.path = "webhooks.max_pending",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.webhooks.max_pending; },
     .reload = R,
     .doc = "Undelivered events one webhook may have waiting in the store; a change beyond that is not queued for it "
            "(logged), so one dead receiver cannot fill the store.",
     .min = 1,
     .max = 100'000},
    {.path = "webhooks.keep_days",
     .type = "integer",
     .field = [](GatewayConfig& c) -> FieldRef { return &c.webhooks.keep_days; },
     .reload = R,
     .doc = "Delivered and failed deliveries are kept this long, for the control panel and dyndnsctl webhook "
            "deliveries, then deleted.",
     .min = 1,
     .max = 365},
};

} // namespace

std::span<const KeyRow> webhook_keys() { return kKeys; }

} // namespace dyndns::config
