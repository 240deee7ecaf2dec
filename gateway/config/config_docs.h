// The documentation generated from the key table: example.yaml and the man page's KEYS section.
#pragma once

#include <string>

namespace dyndns::config {

// The commented example configuration (gateway/config/example.yaml): every key with its default.
std::string example_yaml();

// The KEYS section of dyndns-gateway.yaml(5), roff, from ".SH KEYS" up to the next section.
std::string man_keys_section();

} // namespace dyndns::config
