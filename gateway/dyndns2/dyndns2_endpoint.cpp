// dyndns2 answers from core outcomes: good/nochg per host, the fault list's codes, account-level errors once.
#include "dyndns2/dyndns2_endpoint.h"

#include <optional>

#include <Poco/Exception.h>

#include "dyndns2/dyndns2_request.h"

namespace dyndns::dyndns2 {
namespace {

// DESIGN.md "Faults", dyndns2 column. None of these words contains good, nochg, ok, true,
// success or updated: inadyn and some routers match those as substrings.
std::string answer_code(core::Fault fault) {
    switch (fault) {
    case core::Fault::AuthFailed: return "badauth";
    case core::Fault::NoSuchDomain:
    case core::Fault::DyndnsDisabled: return "nohost";
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

// Faults about the account or the service, not the host: answered once, and the rest of the
// hosts are not tried (the next would fail the same way).
bool ends_the_request(core::Fault fault) {
    return fault == core::Fault::AuthFailed || fault == core::Fault::RateLimited || fault == core::Fault::DnsUnavailable ||
           fault == core::Fault::ServiceUnavailable;
}

http::HttpResponse lines(std::string body) { return http::HttpResponse::text(200, std::move(body)); }

http::HttpResponse single(const std::string& code, const std::optional<core::UpdateError>& error = std::nullopt) {
    http::HttpResponse reply = lines(code + "\n");
    if (code == "badauth") {
        reply.status = 401;
        reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"dyndns\", charset=\"UTF-8\"");
    }
    if (error && error->retry_after_seconds > 0) reply.headers.emplace_back("Retry-After", std::to_string(error->retry_after_seconds));
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
    std::vector<std::string> addresses = parameters.addresses;
    if (addresses.empty()) addresses.emplace_back(); // the caller's address
    // Both addresses are vetted before either is set: a request that fails changes nothing.
    for (const std::string& address : addresses) {
        if (address.empty()) continue;
        if (const auto refused = core_.check_address(address)) {
            std::string body;
            for (std::size_t i = 0; i < parameters.hosts.size(); ++i) body += answer_code(refused->fault) + "\n";
            return lines(body);
        }
    }

    std::string body;
    for (const std::string& host : parameters.hosts) {
        if (!fully_qualified(host)) {
            body += "notfqdn\n";
            continue;
        }
        std::vector<std::string> published;
        bool changed = false;
        std::optional<core::UpdateError> failure;
        for (const std::string& address : addresses) {
            const auto outcome = core_.set_address({credentials->user, credentials->password, host, address, client});
            if (const auto* error = std::get_if<core::UpdateError>(&outcome)) {
                failure = *error;
                break;
            }
            const auto& result = std::get<core::SetAddressResult>(outcome);
            published.push_back(result.address);
            changed = changed || result.changed;
        }
        if (failure) {
            if (ends_the_request(failure->fault)) {
                // Answered once; the hosts already answered keep their lines.
                if (body.empty()) return single(answer_code(failure->fault), failure);
                body += answer_code(failure->fault) + "\n";
                break;
            }
            body += answer_code(failure->fault) + "\n";
            continue;
        }
        std::string list;
        for (const auto& address : published) list += (list.empty() ? "" : ",") + address;
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
