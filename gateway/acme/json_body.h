// A request body that must be one JSON object of strings: Poco::JSON parses it, with a depth limit.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace dyndns::acme {

// The object's string members by name, lower-cased when `fold_case` (acme-dns clients differ in
// case: lego sends "SubDomain", acme.sh "subdomain"); members of other types are left out.
// Nothing when the body is not a JSON object.
std::optional<std::map<std::string, std::string>> json_strings(const std::string& body, bool fold_case);

} // namespace dyndns::acme
