// The two SQL dialects the store speaks: statements are written once, for SQLite, and rewritten here for PostgreSQL.
#pragma once

#include <string>

namespace dyndns::store {

enum class Dialect { SQLite, PostgreSQL };

// A statement written with `?` placeholders, as `dialect` wants it: PostgreSQL numbers them
// ($1, $2, …). A `?` inside a quoted literal is left alone.
std::string in_dialect(Dialect dialect, const std::string& statement);

// A schema statement (CREATE TABLE, CREATE INDEX) written for SQLite, as `dialect` wants it:
// PostgreSQL's integers are 64-bit (BIGINT) and its row ids an identity column.
std::string schema_in_dialect(Dialect dialect, const std::string& statement);

} // namespace dyndns::store
