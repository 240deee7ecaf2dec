// Decodes an acme-dns update into one AcmeChallengeRequest and answers in acme-dns's own error words.
#include "acme/acme_dns_endpoint.h"

#include <sstream>

#include <Poco/JSON/Object.h>

#include "acme/json_body.h"
#include "vocabulary/names.h"

namespace dyndns::acme {
namespace {

http::HttpResponse json(int status, const std::string& key, const std::string& value, int retry_after = 0) {
    Poco::JSON::Object object;
    object.set(key, value);
    std::ostringstream out;
    object.stringify(out);
    http::HttpResponse reply{status, "application/json", out.str(), {}, false};
    if (retry_after > 0) reply.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return reply;
}

http::HttpResponse error(int status, const std::string& word, int retry_after = 0) {
    return json(status, "error", word, retry_after);
}

// acme-dns knows only "forbidden" for whoever may not update: a wrong key, another host's name,
// and a domain without dyndns all look alike, as they do in its API.
http::HttpResponse refused(const core::UpdateError& failure) {
    switch (failure.fault) {
    case core::Fault::AuthFailed:
    case core::Fault::NoSuchDomain:
    case core::Fault::DyndnsDisabled:
    case core::Fault::NotPermitted: return error(401, "forbidden");
    case core::Fault::InvalidAddress:
    case core::Fault::PrivateAddress: return error(400, "bad_txt");
    case core::Fault::BadRequest: return error(400, "bad_subdomain");
    case core::Fault::RateLimited: return error(429, "rate_limited", failure.retry_after_seconds);
    case core::Fault::DnsUnavailable: return error(503, "dns_unavailable");
    case core::Fault::DnsRejected: return error(502, "dns_rejected");
    case core::Fault::ServiceUnavailable: return error(503, "service_unavailable");
    }
    return error(500, "internal_error");
}

} // namespace

http::HttpResponse AcmeDnsEndpoint::update(const http::HttpRequest& request, core::ClientInfo client) const {
    client.protocol = "acme-dns";
    const std::string user = request.header("X-Api-User");
    const std::string key = request.header("X-Api-Key");
    if (user.empty() || key.empty()) return error(401, "forbidden");
    const auto fields = json_strings(request.body, true);
    if (!fields) return error(400, "malformed_json_payload");
    const auto subdomain = fields->find("subdomain");
    const auto txt = fields->find("txt");
    if (subdomain == fields->end() || !core::host_name(subdomain->second)) return error(400, "bad_subdomain");
    if (txt == fields->end()) return error(400, "bad_txt");

    const auto outcome = core_.set_acme_challenge({user, key, subdomain->second, txt->second, client});
    if (const auto* failure = std::get_if<core::UpdateError>(&outcome)) return refused(*failure);
    return json(200, "txt", txt->second);
}

} // namespace dyndns::acme
