// The history table: a row per answered call, unchanged calls folded into runs; written in batches, pruned by age, read newest first.
#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include <Poco/Tuple.h>

#include "store/store_impl.h"
#include "vocabulary/history_outcome.h"
#include "store/transaction.h"

namespace dyndns::store {

namespace {

Poco::Int64 ms_since_epoch(std::chrono::system_clock::time_point time) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

// One batch's rows as columns: Poco binds a vector per placeholder and runs the statement once
// per row with a single prepare (a prepare per row was half the history thread's time in W2).
struct HistoryColumns {
    std::vector<Poco::Int64> time_ms, calls, last_ms;
    std::vector<std::string> name, domain, type, old_address, new_address, caller_address, protocol, user_agent, outcome, prefix;

    void add(const HistoryEntry& entry) {
        time_ms.push_back(ms_since_epoch(entry.time));
        last_ms.push_back(std::max(time_ms.back(), ms_since_epoch(entry.last_time)));
        calls.push_back(std::max<std::int64_t>(entry.calls, 1));
        name.push_back(entry.name);
        domain.push_back(entry.domain);
        type.push_back(entry.type);
        old_address.push_back(entry.old_address);
        new_address.push_back(entry.new_address);
        caller_address.push_back(entry.caller_address);
        protocol.push_back(entry.protocol);
        user_agent.push_back(entry.user_agent);
        outcome.push_back(entry.outcome);
        prefix.push_back(entry.prefix);
    }
};

bool is_unchanged(const HistoryEntry& entry) { return entry.outcome == core::outcome_name(core::HistoryOutcome::Unchanged); }

} // namespace

void Store::append_history(const std::vector<HistoryEntry>& entries) {
    if (entries.empty()) return;
    guarded("record the history", [&] {
        auto db = impl_->pool.lease();
        auto& session = db.session();
        const auto insert_rows = [&](HistoryColumns& rows) {
            session << impl_->sql("INSERT INTO history(time_ms, name, domain, type, old_address, new_address, caller_address, "
                                  "protocol, user_agent, outcome, prefix, calls, last_ms) "
                                  "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                use(rows.time_ms), use(rows.name), use(rows.domain), use(rows.type), use(rows.old_address), use(rows.new_address),
                use(rows.caller_address), use(rows.protocol), use(rows.user_agent), use(rows.outcome), use(rows.prefix),
                use(rows.calls), use(rows.last_ms), now;
        };
        const auto fold_runs = [&](HistoryColumns& rows) {
            // continues_run (records.h) in SQL: the newest row of the name and type (index history_by_name)
            // is counted on if it is a run for the same address; a call that continues none is a new row.
            const std::string newest_is_the_run = "id = (SELECT MAX(id) FROM history WHERE name = ? AND type = ?) "
                                                  "AND outcome = ? AND new_address = ? AND domain = ?";
            session << impl_->sql("UPDATE history SET calls = calls + ?, "
                                  "last_ms = CASE WHEN last_ms < ? THEN ? ELSE last_ms END, "
                                  "caller_address = ?, protocol = ?, user_agent = ? WHERE " +
                                  newest_is_the_run),
                use(rows.calls), use(rows.last_ms), use(rows.last_ms), use(rows.caller_address), use(rows.protocol),
                use(rows.user_agent), use(rows.name), use(rows.type), use(rows.outcome), use(rows.new_address), use(rows.domain),
                now;
            // The rows just counted on now continue a run; the others are inserted. The casts type the
            // SELECT's parameters for PostgreSQL, which has no column to infer them from.
            session << impl_->sql("INSERT INTO history(time_ms, name, domain, type, old_address, new_address, caller_address, "
                                  "protocol, user_agent, outcome, prefix, calls, last_ms) "
                                  "SELECT CAST(? AS BIGINT), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT) "
                                  "WHERE NOT EXISTS (SELECT 1 FROM history WHERE " +
                                  newest_is_the_run + ")"),
                use(rows.time_ms), use(rows.name), use(rows.domain), use(rows.type), use(rows.old_address), use(rows.new_address),
                use(rows.caller_address), use(rows.protocol), use(rows.user_agent), use(rows.outcome), use(rows.prefix),
                use(rows.calls), use(rows.last_ms), use(rows.name), use(rows.type), use(rows.outcome), use(rows.new_address),
                use(rows.domain), now;
        };
        in_transaction(session, impl_->dialect, [&] {
            // In order, as segments: consecutive changes (and failures) are inserted; consecutive
            // unchanged calls of distinct names and types are folded. Within a fold each row's
            // UPDATE runs before any INSERT, so a name may appear only once in it.
            for (std::size_t begin = 0; begin < entries.size();) {
                const bool fold = is_unchanged(entries[begin]);
                std::set<std::pair<std::string, std::string>> names;
                HistoryColumns rows;
                std::size_t end = begin;
                for (; end < entries.size() && is_unchanged(entries[end]) == fold; ++end) {
                    if (fold && !names.emplace(entries[end].name, entries[end].type).second) break;
                    rows.add(entries[end]);
                }
                if (fold)
                    fold_runs(rows);
                else
                    insert_rows(rows);
                begin = end;
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
