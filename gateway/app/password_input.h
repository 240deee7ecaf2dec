// Reads a new password for dyndnsctl: a prompt without echo on a terminal, else one line of standard input.
#pragma once

#include <optional>
#include <string>

namespace dyndns::app {

// On a terminal: asks twice, without echo, and refuses a mismatch. Otherwise: the first line of
// stdin, without its line ending. Nothing when no password was given or they differ (the reason
// is printed to stderr).
std::optional<std::string> read_new_password(const std::string& account);

} // namespace dyndns::app
