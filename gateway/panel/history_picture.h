// The history as a picture: per name, an SVG timeline of the last 30 days, drawn by the server, with a text alternative.
#pragma once

#include <string>
#include <vector>

#include "core/account_service.h"

namespace dyndns::panel {

// One <figure> per name: its changes as marks on one row, its unchanged calls summarised per day
// on another, so a flapping router shows at a glance; shapes and text, not colour, tell them apart.
// Each picture is role="img" with a title and a description listing every change.
std::string history_pictures(const std::vector<core::NameTimeline>& timelines, std::chrono::system_clock::time_point now);

} // namespace dyndns::panel
