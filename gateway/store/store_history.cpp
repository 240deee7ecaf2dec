// The history table: a row per answered call, unchanged calls folded into runs; written in batches, pruned by age, read newest first.
#include <algorithm>
#include <optional>

#include <Poco/Tuple.h>

#include "store/store_impl.h"
#include "vocabulary/history_outcome.h"
#include "store/transaction.h"

namespace dyndns::store {

namespace {

Poco::Int64 ms_since_epoch(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

} // namespace

void Store::append_history(const std::vector<HistoryEntry>& entries) {
    if (entries.empty()) return;
    guarded("record the history", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        in_transaction(session, impl_->dialect, [&] {
            for (const HistoryEntry& entry : entries) {
                const Poco::Int64 time_ms = ms_since_epoch(entry.time);
                const Poco::Int64 last_ms = std::max(time_ms, ms_since_epoch(entry.last_time));
                const Poco::Int64 calls = std::max<std::int64_t>(entry.calls, 1);
                if (entry.outcome == core::outcome_name(core::HistoryOutcome::Unchanged)) {
                    // continues_run (records.h) in one statement, as cheap as the insert it saves: the
                    // newest row of the name and type (index history_by_name) is counted on if it is a
                    // run for the same address.
                    Poco::Data::Statement count_on(session);
                    count_on << impl_->sql("UPDATE history SET calls = calls + ?, "
                                           "last_ms = CASE WHEN last_ms < ? THEN ? ELSE last_ms END, "
                                           "caller_address = ?, protocol = ?, user_agent = ? "
                                           "WHERE id = (SELECT MAX(id) FROM history WHERE name = ? AND type = ?) "
                                           "AND outcome = ? AND new_address = ? AND domain = ?"),
                        bind(calls), bind(last_ms), bind(last_ms), bind(entry.caller_address), bind(entry.protocol),
                        bind(entry.user_agent), bind(entry.name), bind(entry.type), bind(entry.outcome), bind(entry.new_address),
                        bind(entry.domain);
                    if (count_on.execute() > 0) continue;
                }
                session << impl_->sql("INSERT INTO history(time_ms, name, domain, type, old_address, new_address, "
                                      "caller_address, protocol, user_agent, outcome, prefix, calls, last_ms) "
                                      "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                    bind(time_ms), bind(entry.name), bind(entry.domain), bind(entry.type), bind(entry.old_address),
                    bind(entry.new_address), bind(entry.caller_address), bind(entry.protocol), bind(entry.user_agent),
                    bind(entry.outcome), bind(entry.prefix), bind(calls), bind(last_ms), now;
            }
        });
    });
}

std::size_t Store::prune_history(std::chrono::system_clock::time_point before) {
    const Poco::Int64 before_ms = ms_since_epoch(before);
    return guarded("prune the history", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        Poco::Data::Statement remove(session);
        // A run of unchanged calls is as old as its last call.
        remove << impl_->sql("DELETE FROM history WHERE last_ms < ?"), bind(before_ms);
        return remove.execute();
    });
}

std::vector<std::string> Store::updated_names(const std::string& domain, std::size_t limit) const {
    return guarded("read the history", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        std::vector<std::string> names;
        // The names whose address a call published (core::published); ACME challenge rows (TXT) are not addresses.
        session << impl_->sql(
            "SELECT DISTINCT name FROM history WHERE domain = ? AND outcome IN (?, ?) AND type <> 'TXT' ORDER BY name LIMIT ?"),
            bind(lower(domain)), bind(std::string(core::outcome_name(core::HistoryOutcome::Changed))),
            bind(std::string(core::outcome_name(core::HistoryOutcome::Unchanged))), bind(static_cast<Poco::Int64>(limit)),
            into(names), now;
        return names;
    });
}

std::vector<HistoryEntry> Store::history(const std::optional<std::string>& domain, std::size_t limit, std::size_t offset) const {
    return domain ? history_where("domain", lower(*domain), limit, offset) : history_where("", "", limit, offset);
}

std::vector<HistoryEntry> Store::name_history(const std::string& name, std::size_t limit, std::size_t offset) const {
    return history_where("name", lower(name), limit, offset);
}

std::vector<HistoryEntry> Store::history_where(const std::string& column, const std::string& value, std::size_t limit,
                                               std::size_t offset) const {
    return guarded("read the history", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        using Row = Poco::Tuple<Poco::Int64, Poco::Int64, std::string, std::string, std::string, std::string, std::string,
                                std::string, std::string, std::string, std::string, std::string, Poco::Int64, Poco::Int64>;
        std::vector<Row> rows;
        Poco::Data::Statement select(session);
        select << impl_->sql("SELECT id, time_ms, name, domain, type, old_address, new_address, caller_address, protocol, "
                             "user_agent, outcome, prefix, calls, last_ms FROM history " +
                             (column.empty() ? std::string() : "WHERE " + column + " = ? ") +
                             "ORDER BY id DESC LIMIT ? OFFSET ?"),
            into(rows);
        if (!column.empty()) select, bind(value);
        select, bind(static_cast<Poco::Int64>(limit)), bind(static_cast<Poco::Int64>(offset));
        select.execute();
        std::vector<HistoryEntry> entries;
        for (const Row& row : rows) {
            HistoryEntry e;
            e.id = row.get<0>();
            e.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(row.get<1>()));
            e.name = row.get<2>();
            e.domain = row.get<3>();
            e.type = row.get<4>();
            e.old_address = row.get<5>();
            e.new_address = row.get<6>();
            e.caller_address = row.get<7>();
            e.protocol = row.get<8>();
            e.user_agent = row.get<9>();
            e.outcome = row.get<10>();
            e.prefix = row.get<11>();
            e.calls = row.get<12>();
            e.last_time = std::chrono::system_clock::time_point(std::chrono::milliseconds(row.get<13>()));
            entries.push_back(std::move(e));
        }
        return entries;
    });
}

} // namespace dyndns::store
