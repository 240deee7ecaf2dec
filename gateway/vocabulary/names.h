// Host-name syntax, lengths and case: the one rule for the names the gateway stores, authorizes and writes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace dyndns::core {

constexpr std::size_t kMaxNameLength = 253; // RFC 1035 2.3.4, presentation form without the trailing dot
constexpr std::size_t kMaxLabelLength = 63; // RFC 1035 2.3.4
constexpr std::size_t kMaxAccountLength = 64; // an account name, once stored
constexpr std::size_t kMaxPasswordLength = 1024; // a password or token secret; anything longer is refused unread

// ASCII lower case: DNS names and account names compare case-insensitively (RFC 4343).
std::string lower(const std::string& text);

// `raw` lower-cased and without its trailing dot when it is a host name (RFC 952/1123: letters,
// digits and hyphens; labels of 1 to 63 that neither start nor end with a hyphen; 253 at
// most), else nothing. '_' and '*' would be allowed by DNS, but an address belongs on a host.
std::optional<std::string> host_name(const std::string& raw);

} // namespace dyndns::core
