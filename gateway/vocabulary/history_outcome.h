// What a call did to the DNS, as its history row records it: one enum, one word each in the store.
#pragma once

#include <string_view>

namespace dyndns::core {

// A row's outcome is one of these or, for a call that failed, its fault's name ("DNS_REJECTED").
enum class HistoryOutcome {
    Changed, // an UPDATE set the address
    Unchanged, // the primary already held it; nothing was sent
    Unknown, // an UPDATE went unanswered: it may or may not have been applied
};

// The word stored in the history table.
constexpr std::string_view outcome_name(HistoryOutcome outcome) {
    switch (outcome) {
    case HistoryOutcome::Changed: return "changed";
    case HistoryOutcome::Unchanged: return "unchanged";
    case HistoryOutcome::Unknown: return "unknown";
    }
    return "unknown";
}

// Whether a stored word says the primary held the asked-for address after the call.
constexpr bool published(std::string_view stored) {
    return stored == outcome_name(HistoryOutcome::Changed) || stored == outcome_name(HistoryOutcome::Unchanged);
}

} // namespace dyndns::core
