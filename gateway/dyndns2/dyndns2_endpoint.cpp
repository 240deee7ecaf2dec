// dyndns2 answers from core outcomes: good/nochg per host, the fault list's codes, account-level errors once.
#include "dyndns2/dyndns2_endpoint.h"

#include <optional>

#include <Poco/Exception.h>

#include "dyndns2/dyndns2_request.h"

namespace dyndns::dyndns2 {
namespace {

// docs/contract.md "Faults", dyndns2 column. None of these words contains good, nochg, ok, true,
// success or updated: inadyn and some routers match those as substrings.
std::string answer_code(core::Fault fault) {
    switch (fault) {
    case core::Fault::AuthFailed: return "badauth";
    case core::Fault::NoSuchDomain:
    case core::Fault::DyndnsDisabled:
    case core::Fault::NotPermitted: return "nohost"; // an API token's scope leaves the host out
    case core::Fault::InvalidAddress:
    case core::Fault::PrivateAddress:
    case core::Fault::DnsRejected: return "dnserr";
    case core::Fault::RateLimited: return "abuse";
    case core::Fault::DnsUnavailable:
    case core::Fault::ServiceUnavailable: return "911";
    case core::Fault::BadRequest: return "notfqdn";
    }
    return "911";
}

// Faults about the account or the service, not the hosts: answered once. (A refused address,
// also the request's, is every host's line; a DNS fault is its own host's.)
bool ends_the_request(core::Fault fault) {
    return fault == core::Fault::AuthFailed || fault == core::Fault::RateLimited || fault == core::Fault::ServiceUnavailable;
}

http::HttpResponse lines(std::string body) { return http::HttpResponse::text(200, std::move(body)); }

http::HttpResponse single(const std::string& code, const std::optional<core::UpdateError>& error = std::nullopt) {
    http::HttpResponse reply = lines(code + "\n");
    if (code == "badauth") {
        reply.status = 401;
        reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"dyndns\", charset=\"UTF-8\"");
    }
    if (error && error->retry_after_seconds > 0)
        reply.headers.emplace_back("Retry-After", std::to_string(error->retry_after_seconds));
    return reply;
}

// A host name with at least one dot: what dyndns2 calls fully qualified.
bool fully_qualified(const std::string& host) {
    const auto dot = host.find('.');
    return dot != std::string::npos && dot != 0 && dot + 1 < host.size();
}

} // namespace

http::HttpResponse Dyndns2Endpoint::update(const std::string& raw_query, const std::string& authorization,
                                           core::ClientInfo client) const {
    client.protocol = "dyndns2";
    const auto credentials = http::basic_credentials(authorization);
    if (!credentials) return single("badauth");

    auto parsed = read_update_parameters(raw_query);
    if (const auto* refused = std::get_if<ParameterError>(&parsed)) return single(refused->code);
    UpdateParameters& parameters = std::get<UpdateParameters>(parsed);
    // No hostname: a per-host token's user name is the host itself.
    if (parameters.hosts.empty()) parameters.hosts.push_back(credentials->user);

    // One core call for every host and address: one login, the changes to a zone in one UPDATE.
    core::SetAddressesRequest request{credentials->user, credentials->password, {}, parameters.addresses, client,
                                      parameters.prefix};
    for (const std::string& host : parameters.hosts)
        if (fully_qualified(host)) request.names.push_back(host);
    core::SetAddressesOutcome outcome =
        request.names.empty() ? core::SetAddressesOutcome{std::vector<core::NameOutcome>{}} : core_.set_addresses(request);
    if (const auto* failed = std::get_if<core::UpdateError>(&outcome)) {
        if (ends_the_request(failed->fault)) return single(answer_code(failed->fault), *failed);
    }
    // One line per host, in the request's order.
    std::string body;
    std::size_t next = 0; // into the core's outcomes, which skip the hosts answered notfqdn here
    for (const std::string& host : parameters.hosts) {
        if (!fully_qualified(host)) {
            body += "notfqdn\n";
            continue;
        }
        if (const auto* failed = std::get_if<core::UpdateError>(&outcome)) {
            body += answer_code(failed->fault) + "\n"; // an address refused: every host's answer
            continue;
        }
        const core::NameOutcome& one = std::get<std::vector<core::NameOutcome>>(outcome)[next++];
        if (const auto* failed = std::get_if<core::UpdateError>(&one.outcome)) {
            body += answer_code(failed->fault) + "\n";
            continue;
        }
        // The host's own addresses; a prefix-only request names the prefix as applied.
        bool changed = one.prefix_changed;
        std::string list;
        for (const auto& result : std::get<std::vector<core::SetAddressResult>>(one.outcome)) {
            list += (list.empty() ? "" : ",") + result.address;
            changed = changed || result.changed;
        }
        if (list.empty()) list = one.prefix;
        body += (changed ? "good " : "nochg ") + list + "\n";
    }
    return lines(body);
}

http::HttpResponse Dyndns2Endpoint::check_ip(const core::ClientInfo& client) const {
    const auto address = core_.caller_address(client);
    if (!address) return http::HttpResponse::text(500, "cannot tell the caller's address\n");
    return lines(*address + "\n");
}

} // namespace dyndns::dyndns2
