// The JSON API's webhooks (docs/webhooks.md): list, register (the secret in the answer, once), remove, and one webhook's last deliveries.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

#include "api/api_calls.h"
#include "api/json_input.h"
#include "api/problem.h"
#include "vocabulary/utc_time.h"

namespace dyndns::api {
namespace {

std::string unix_ms_text(std::int64_t unix_ms) {
    return core::utc(std::chrono::system_clock::time_point(std::chrono::milliseconds(unix_ms)), core::TimeStyle::Iso8601);
}

Poco::JSON::Object webhook_json(const core::Webhook& webhook) {
    Poco::JSON::Object out;
    out.set("id", webhook.id);
    out.set("url", webhook.url);
    out.set("domain", webhook.domain); // empty: every domain of the account
    out.set("created", core::utc(webhook.created, core::TimeStyle::Iso8601));
    return out;
}

} // namespace

http::HttpResponse webhooks_call(core::UpdateService& core, core::AccountService& accounts, const Caller& caller,
                                 const std::string& method, const std::vector<std::string>& path, const std::string& body) {
    const auto who = core.account_caller({caller.account, caller.password, caller.client});
    if (const auto* failed = std::get_if<core::UpdateError>(&who)) return problem(*failed);
    const std::string& account = std::get<std::string>(who);

    if (path.size() == 1 && method == "GET") {
        Poco::JSON::Array listed;
        for (const auto& view : accounts.webhooks(account)) listed.add(webhook_json(view.webhook));
        Poco::JSON::Object answer;
        answer.set("webhooks", listed);
        return json(200, answer);
    }
    if (path.size() == 1) { // POST
        auto parsed = parse_body(body, {{"url", JsonType::String, true}, {"domain", JsonType::String, false}});
        if (const auto* why = std::get_if<std::string>(&parsed)) return bad_request(*why);
        const auto& fields = std::get<Poco::JSON::Object::Ptr>(parsed);
        const std::string domain = fields->has("domain") ? fields->getValue<std::string>("domain") : "";
        auto made = accounts.new_webhook(account, domain, fields->getValue<std::string>("url"));
        if (const auto* failed = std::get_if<core::UpdateError>(&made)) return problem(*failed);
        const auto& [webhook, secret] = std::get<std::pair<core::Webhook, std::string>>(made);
        Poco::JSON::Object answer;
        answer.set("webhook", webhook_json(webhook));
        answer.set("secret", secret); // shown this once; the store keeps it only to sign with
        return json(201, answer);
    }
    Poco::Int64 id = 0;
    if (!Poco::NumberParser::tryParse64(path[1], id)) return problem({core::Fault::BadRequest, "no such webhook", 0}, 404);
    if (path.size() == 2) { // DELETE
        if (const auto failed = accounts.remove_webhook(account, id)) return problem({failed->fault, failed->message, 0}, 404);
        return http::HttpResponse{204, "", "", {}};
    }
    for (const auto& view : accounts.webhooks(account)) {
        if (view.webhook.id != id) continue;
        Poco::JSON::Array deliveries;
        for (const auto& delivery : view.deliveries) {
            Poco::JSON::Object row;
            row.set("event_id", delivery.event_id);
            row.set("status", core::delivery_status_name(delivery.status));
            row.set("attempts", delivery.attempts);
            row.set("created", unix_ms_text(delivery.created_ms));
            row.set("last_status_code", delivery.last_status_code);
            row.set("last_error", delivery.last_error);
            deliveries.add(row);
        }
        Poco::JSON::Object answer;
        answer.set("deliveries", deliveries);
        return json(200, answer);
    }
    return problem({core::Fault::BadRequest, "no such webhook", 0}, 404);
}

} // namespace dyndns::api
