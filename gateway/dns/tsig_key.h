// TSIG keys as BIND writes them (tsig-keygen output, the file named.conf includes), and the algorithms we accept.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace dyndns::dns {

// The HMAC algorithms the gateway signs with. hmac-md5 is obsolete (RFC 8945 5.1) and
// hmac-sha384 is unusable with ldns 1.8 (it registers the name as "hmac-shac384."),
// so neither is offered: a key file naming them is refused when the config loads.
enum class TsigAlgorithm { HmacSha1, HmacSha256, HmacSha512 };

struct TsigKey {
    std::string name; // lower-case, no trailing dot, e.g. "dyndns-gateway"
    TsigAlgorithm algorithm = TsigAlgorithm::HmacSha256;
    std::string secret_base64; // never logged, never put in a message
};

class KeyFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The file is fine but holds no key of the wanted name: the fix is in the name asked for.
class KeyNotFoundError : public KeyFileError {
public:
    using KeyFileError::KeyFileError;
};

// "hmac-sha256" as BIND spells it in a key file (no trailing dot).
std::string algorithm_name(TsigAlgorithm algorithm);
// The algorithm's domain name as it goes on the wire: "hmac-sha256." (ldns wants the dot).
std::string algorithm_wire_name(TsigAlgorithm algorithm);

// Parses the text of a BIND key file: one or more `key "name" { algorithm A; secret "B"; };`
// clauses, with //, # and /* */ comments and free whitespace. Throws KeyFileError naming
// `origin` (a file name for messages) and what is wrong; a message never contains a secret.
std::vector<TsigKey> parse_key_file(const std::string& text, const std::string& origin);

// Reads `path` and returns the key called `key_name` (compared case-insensitively, a trailing
// dot ignored). Throws KeyNotFoundError if the file lacks the key, KeyFileError if it cannot be
// read, does not parse, or the key's algorithm is not supported.
TsigKey load_key(const std::string& path, const std::string& key_name);

} // namespace dyndns::dns
