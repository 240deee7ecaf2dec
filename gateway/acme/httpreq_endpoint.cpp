// Decodes an httpreq call into one AcmeChallengeRequest and encodes the core's answer; no rule of its own.
#include "acme/httpreq_endpoint.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <sstream>

#include "acme/json_body.h"
#include "http/fault_status.h"

namespace dyndns::acme {
namespace {

http::HttpResponse refused(core::Fault fault, const std::string& message, int retry_after = 0) {
    http::HttpResponse reply = http::HttpResponse::text(http::fault_status(fault), message + "\n");
    if (fault == core::Fault::AuthFailed)
        reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"dyndns\", charset=\"UTF-8\"");
    if (retry_after > 0) reply.headers.emplace_back("Retry-After", std::to_string(retry_after));
    return reply;
}

http::HttpResponse answer(const core::AcmeChallengeResult& result) {
    Poco::JSON::Object object;
    object.set("name", result.name);
    Poco::JSON::Array values;
    for (const auto& value : result.values) values.add(value);
    object.set("values", values);
    object.set("ttl", result.ttl);
    object.set("changed", result.changed);
    std::ostringstream out;
    object.stringify(out);
    return http::HttpResponse{200, "application/json", out.str() + "\n", {}, false};
}

} // namespace

http::HttpResponse HttpreqEndpoint::handle(bool present, const http::HttpRequest& request, core::ClientInfo client) const {
    client.protocol = "httpreq";
    const auto credentials = request.basic_credentials();
    if (!credentials) return refused(core::Fault::AuthFailed, "wrong account or password");
    const auto fields = json_strings(request.body, false);
    if (!fields) return refused(core::Fault::BadRequest, "the body must be a JSON object {\"fqdn\": …, \"value\": …}");
    const auto fqdn = fields->find("fqdn");
    const auto value = fields->find("value");
    // RAW mode ({domain, token, keyAuth}) would hand the gateway the key authorization itself; only
    // the default mode, which sends the digest, is spoken.
    if (fqdn == fields->end() || value == fields->end())
        return refused(core::Fault::BadRequest, "fqdn and value are required (lego's httpreq default mode, not RAW)");

    const core::AcmeChallengeRequest call{credentials->user, credentials->password, fqdn->second, value->second, client};
    const auto outcome = present ? core_.set_acme_challenge(call) : core_.clear_acme_challenge(call);
    if (const auto* error = std::get_if<core::UpdateError>(&outcome))
        return refused(error->fault, error->message, error->retry_after_seconds);
    return answer(std::get<core::AcmeChallengeResult>(outcome));
}

} // namespace dyndns::acme
