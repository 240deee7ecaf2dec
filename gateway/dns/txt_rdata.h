// TXT record data between its presentation form (what reads return and UPDATEs carry) and its text, by ldns.
#pragma once

#include <optional>
#include <string>

namespace dyndns::dns {

// The presentation form of a TXT record holding `text` as one character-string ("…", escaped
// where needed). Throws std::invalid_argument when `text` does not fit one (over 255 bytes) or
// holds a backslash or NUL.
std::string txt_rdata(const std::string& text);

// The text of a TXT record in presentation form, its character-strings joined (RFC 8555 8.4
// reads a challenge record that way); nothing when `rdata` is not TXT record data.
std::optional<std::string> txt_text(const std::string& rdata);

} // namespace dyndns::dns
