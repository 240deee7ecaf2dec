// One page an operator reads at a glance: readiness per primary, followed zones, the last minute's calls, the newest problems.
#include "app/status_page.h"

#include <sstream>

#include "app/readiness.h"
#include "app/version.h"
#include "log/log.h"
#include "metrics/gateway_metrics.h"
#include "panel/html_text.h"
#include "vocabulary/utc_time.h"

namespace dyndns::app {

using panel::html;

std::string status_page(const store::Store& store, const dns::Primaries& primaries,
                        const std::shared_ptr<dns::ZoneFollower>& follower) {
    const Readiness readiness = check_readiness(store, primaries);
    const auto now = std::chrono::system_clock::now();
    auto& metrics = metrics::gateway_metrics();
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>dyndns-gateway status</title></head><body>"
        << "<h1>dyndns-gateway status</h1><p>Version " << html(kVersion) << ", "
        << html(core::utc(now, core::TimeStyle::Readable)) << ". <strong id=\"readiness\">"
        << (readiness.problem().empty() ? "Ready" : "Not ready: " + html(readiness.problem())) << "</strong></p>";

    out << "<h2>Store</h2><p id=\"store\">" << html(store.description()) << ": "
        << (readiness.store_problem.empty() ? "answers" : html(readiness.store_problem)) << "</p>";

    out << "<h2>Primaries</h2><table id=\"primaries\"><thead><tr><th scope=\"col\">Primary</th><th scope=\"col\">Zone asked</th>"
        << "<th scope=\"col\">Signed SOA read</th></tr></thead><tbody>";
    for (const auto& check : readiness.primaries)
        out << "<tr><td>" << html(check.primary) << "</td><td>" << (check.zone.empty() ? "–" : html(check.zone)) << "</td><td>"
            << (check.zone.empty()      ? "no zone of it registered yet"
                : check.problem.empty() ? "answers"
                                        : html(check.problem))
            << "</td></tr>";
    out << "</tbody></table>";

    out << "<h2>Zones</h2><p id=\"zones\">";
    if (follower)
        out << follower->zones() << " followed, " << follower->zones_in_step() << " in step";
    else
        out << "zone following is off: every call reads the primary";
    out << "</p>";

    out << "<h2>The last minute</h2><p id=\"rates\">" << metrics.calls_recent.last_minute() << " calls, "
        << metrics.changes_recent.last_minute() << " changes</p>";

    out << "<h2>Newest errors and warnings</h2><table id=\"problems\"><thead><tr><th scope=\"col\">Time</th>"
        << "<th scope=\"col\">Level</th><th scope=\"col\">Message</th></tr></thead><tbody>";
    const auto problems = log::recent_problems();
    if (problems.empty()) out << "<tr><td colspan=\"3\">None since the gateway started.</td></tr>";
    for (const auto& problem : problems)
        out << "<tr><td>" << html(core::utc(problem.time, core::TimeStyle::Readable)) << "</td><td>"
            << (problem.level == log::Level::Error ? "error" : "warning") << "</td><td>" << html(problem.message) << "</td></tr>";
    out << "</tbody></table></body></html>\n";
    return out.str();
}

} // namespace dyndns::app
