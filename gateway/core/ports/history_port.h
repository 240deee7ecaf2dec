// The update history the core writes (through HistoryWriter) and shows in the panel.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "vocabulary/records.h"

namespace dyndns::core {

// Implemented by store::Store (and tests' MemoryStore). May throw store::DatabaseError.
class HistoryPort {
public:
    virtual ~HistoryPort() = default;
    virtual void append_history(const std::vector<HistoryEntry>& entries) = 0; // all or none
    // Deletes the rows older than `before`; returns how many.
    virtual std::size_t prune_history(std::chrono::system_clock::time_point before) = 0;
    // The names under `domain` whose address calls have set (outcome changed or unchanged), sorted.
    virtual std::vector<std::string> updated_names(const std::string& domain, std::size_t limit = 100) const = 0;
    // Newest first.
    virtual std::vector<HistoryEntry> history(const std::optional<std::string>& domain = std::nullopt, std::size_t limit = 50,
                                              std::size_t offset = 0) const = 0;
    // One name's rows, newest first.
    virtual std::vector<HistoryEntry> name_history(const std::string& name, std::size_t limit, std::size_t offset) const = 0;
};

} // namespace dyndns::core
