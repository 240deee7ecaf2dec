// SVG geometry for the history timelines: 30 days across, changes above, unchanged calls per day below.
#include "panel/history_picture.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include "panel/html_text.h"
#include "vocabulary/utc_time.h"

namespace dyndns::panel {
namespace {

constexpr double kWidth = 640;
constexpr double kLeft = 70; // room for the row labels
constexpr double kRight = 630;
constexpr double kHeight = 84;

std::string number(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

// Where `time` lies between 30 days ago (kLeft) and `now` (kRight).
double x_of(std::chrono::system_clock::time_point time, std::chrono::system_clock::time_point now) {
    const double span = std::chrono::duration<double>(std::chrono::hours(24) * core::AccountService::kTimelineDays).count();
    const double age = std::chrono::duration<double>(now - time).count();
    const double fraction = std::clamp(1.0 - age / span, 0.0, 1.0);
    return kLeft + fraction * (kRight - kLeft);
}

std::string change_text(const core::HistoryEntry& change) {
    return core::utc(change.time, core::TimeStyle::Readable) + ": " + change.type + " " +
           (change.old_address.empty() ? "none" : change.old_address) + " to " + change.new_address +
           (change.prefix.empty() ? "" : " (router prefix " + change.prefix + ")");
}

std::string picture(const core::NameTimeline& timeline, std::size_t index, std::chrono::system_clock::time_point now) {
    const std::string id = "timeline-" + std::to_string(index);
    std::size_t unchanged = 0, days_polled = 0;
    for (std::size_t count : timeline.unchanged_per_day) {
        unchanged += count;
        days_polled += count ? 1 : 0;
    }
    std::string description = std::to_string(timeline.changes.size()) + (timeline.changes.size() == 1 ? " change" : " changes");
    for (const auto& change : timeline.changes) description += "; " + change_text(change);
    description += ". " + std::to_string(unchanged) + " unchanged calls on " + std::to_string(days_polled) + " days.";

    std::ostringstream out;
    out << "<figure class=\"timeline\"><svg role=\"img\" aria-labelledby=\"" << id << "-title " << id << "-desc\" viewBox=\"0 0 "
        << number(kWidth) << ' ' << number(kHeight) << "\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">"
        << "<title id=\"" << id << "-title\">Address changes of " << html(timeline.name) << " in the last 30 days</title>"
        << "<desc id=\"" << id << "-desc\">" << html(description)
        << "</desc>"
        // Row labels, the axis and its two ends.
        << "<text x=\"0\" y=\"26\" font-size=\"12\">changes</text><text x=\"0\" y=\"58\" font-size=\"12\">polls</text>"
        << "<line x1=\"" << number(kLeft) << "\" y1=\"68\" x2=\"" << number(kRight) << "\" y2=\"68\" stroke=\"#1a1a1a\"/>"
        << "<text x=\"" << number(kLeft) << "\" y=\"82\" font-size=\"11\">30 days ago</text>"
        << "<text x=\"" << number(kRight) << "\" y=\"82\" font-size=\"11\" text-anchor=\"end\">now</text>";
    // Unchanged calls: a grey bar for each day that had some, with its count.
    const double day_width = (kRight - kLeft) / static_cast<double>(timeline.unchanged_per_day.size());
    for (std::size_t day = 0; day < timeline.unchanged_per_day.size(); ++day) {
        const std::size_t count = timeline.unchanged_per_day[day];
        if (!count) continue;
        out << "<rect class=\"polls\" x=\"" << number(kLeft + day_width * static_cast<double>(day)) << "\" y=\"48\" width=\""
            << number(day_width - 1) << "\" height=\"14\" fill=\"#8a8a8a\"><title>" << count << " unchanged calls, "
            << (timeline.unchanged_per_day.size() - 1 - day) << " days ago</title></rect>";
    }
    // Changes: a black stem with a diamond head, each with its time and addresses.
    for (const auto& change : timeline.changes) {
        const double x = x_of(change.time, now);
        out << "<g class=\"change\"><title>" << html(change_text(change)) << "</title><line x1=\"" << number(x)
            << "\" y1=\"10\" x2=\"" << number(x) << "\" y2=\"40\" stroke=\"#1a1a1a\" stroke-width=\"2\"/><path d=\"M" << number(x)
            << " 6 l5 6 l-5 6 l-5 -6 z\" fill=\"#1a1a1a\"/></g>";
    }
    // Several changes in one day fall on one spot at this scale: their number is written beside it.
    std::map<long, std::size_t> per_day;
    for (const auto& change : timeline.changes)
        ++per_day[static_cast<long>(std::chrono::duration_cast<std::chrono::hours>(now - change.time).count() / 24)];
    for (const auto& [age, count] : per_day)
        if (count > 1) {
            const auto at = now - std::chrono::hours(24 * age);
            out << "<text x=\"" << number(std::min(x_of(at, now) + 7, kRight - 2)) << "\" y=\"30\" font-size=\"11\""
                << (x_of(at, now) + 7 > kRight - 20 ? " text-anchor=\"end\"" : "") << ">" << count << "×</text>";
        }
    out << "</svg><figcaption>" << html(timeline.name) << ": " << timeline.changes.size()
        << (timeline.changes.size() == 1 ? " change, " : " changes, ") << unchanged << " unchanged calls</figcaption></figure>";
    return out.str();
}

} // namespace

std::string history_pictures(const std::vector<core::NameTimeline>& timelines, std::chrono::system_clock::time_point now) {
    if (timelines.empty()) return "";
    std::ostringstream out;
    out << "<div class=\"timelines\"><h3>The last 30 days</h3>";
    for (std::size_t i = 0; i < timelines.size(); ++i) out << picture(timelines[i], i, now);
    out << "</div>";
    return out.str();
}

} // namespace dyndns::panel
