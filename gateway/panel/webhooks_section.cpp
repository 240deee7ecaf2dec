// One table per webhook (its URL and scope, never the secret) with the last deliveries' status, and the form that adds one as dyndnsctl does.
#include "panel/webhooks_section.h"

#include <sstream>

#include "panel/html_text.h"
#include "vocabulary/utc_time.h"

namespace dyndns::panel {
namespace {

std::string when(std::int64_t unix_ms) {
    return core::utc(std::chrono::system_clock::time_point(std::chrono::milliseconds(unix_ms)), core::TimeStyle::Readable);
}

// What the last attempt of a delivery came to, in a customer's words.
std::string attempt_text(const core::WebhookDelivery& delivery) {
    std::string text = std::to_string(delivery.attempts) + (delivery.attempts == 1 ? " attempt" : " attempts");
    if (delivery.last_status_code) text += ", last answer HTTP " + std::to_string(delivery.last_status_code);
    if (!delivery.last_error.empty()) text += ", " + delivery.last_error;
    if (delivery.status == core::DeliveryStatus::Pending && delivery.attempts > 0)
        text += "; next try " + when(delivery.next_attempt_ms);
    return text;
}

} // namespace

std::string webhooks_section(const std::string& csrf, const std::vector<core::WebhookView>& webhooks,
                             const std::vector<core::Domain>& domains, const std::optional<NewWebhook>& new_webhook) {
    std::ostringstream out;
    out << "<section aria-labelledby=\"webhooks\"><h2 id=\"webhooks\">Webhooks</h2>"
        << "<p>After each change that reached the DNS, the gateway POSTs a signed JSON event to each HTTPS URL here "
           "(docs/webhooks.md says how to check the <code>Dyndns-Signature</code> header). A receiver that is down gets "
           "the event later: retries go on for a day.</p>";
    if (new_webhook)
        out << "<div class=\"secret\" role=\"status\"><p>Signing secret of webhook " << new_webhook->id
            << ", shown only now:</p><p><code id=\"new-webhook-secret\">" << html(new_webhook->secret) << "</code></p></div>";
    if (webhooks.empty()) out << "<p>No webhooks.</p>";
    for (const auto& [webhook, deliveries] : webhooks) {
        out << "<table class=\"webhook\"><caption>Webhook " << webhook.id << ": <code>" << html(webhook.url) << "</code> for "
            << (webhook.domain.empty() ? std::string("every domain") : html(webhook.domain))
            << "</caption><thead><tr><th scope=\"col\">Event</th><th scope=\"col\">Queued</th><th scope=\"col\">Status</th>"
            << "<th scope=\"col\">Attempts</th></tr></thead><tbody>";
        if (deliveries.empty()) out << "<tr><td colspan=\"4\">No deliveries yet.</td></tr>";
        for (const auto& delivery : deliveries)
            out << "<tr><td><code>" << html(delivery.event_id) << "</code></td><td>" << html(when(delivery.created_ms))
                << "</td><td>" << core::delivery_status_name(delivery.status) << "</td><td>" << html(attempt_text(delivery))
                << "</td></tr>";
        out << "</tbody></table><form method=\"post\" action=\"/panel/webhook/remove\">" << csrf_field(csrf)
            << "<input type=\"hidden\" name=\"id\" value=\"" << webhook.id
            << "\"><button type=\"submit\" aria-label=\"Remove webhook " << webhook.id << "\">Remove</button></form>";
    }
    out << "<form method=\"post\" action=\"/panel/webhook/new\" class=\"token-form\">" << csrf_field(csrf)
        << "<fieldset><legend>New webhook</legend>"
        << "<p><label for=\"webhook-url\">HTTPS URL</label> <input id=\"webhook-url\" name=\"url\" maxlength=\"512\" "
           "required placeholder=\"https://example.com/dyndns-events\"></p>"
        << "<p><label for=\"webhook-domain\">Domain</label> <select id=\"webhook-domain\" name=\"domain\">"
        << "<option value=\"\">every domain</option>";
    for (const auto& domain : domains)
        out << "<option value=\"" << html(domain.name) << "\">" << html(domain.name) << "</option>";
    out << "</select></p><button type=\"submit\">Add webhook</button></fieldset></form></section>";
    return out.str();
}

} // namespace dyndns::panel
