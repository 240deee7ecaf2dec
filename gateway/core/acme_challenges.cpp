// Challenge values are checked by a Poco base64url round trip; names by the one host-name rule (vocabulary/names.h).
#include "core/acme_challenges.h"

#include <algorithm>
#include <functional>
#include <sstream>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/StreamCopier.h>

#include "vocabulary/names.h"

namespace dyndns::core {
namespace {

constexpr std::size_t kDigestLength = 43; // base64url of 32 bytes, unpadded
constexpr std::size_t kSha256Bytes = 32;
constexpr int kBase64Url = Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING;
const std::string kChallengeLabel = "_acme-challenge.";
const std::string kWildcardLabel = "*.";

} // namespace

bool is_key_authorization_digest(const std::string& value) {
    if (value.size() != kDigestLength) return false;
    // Decoded and encoded again: only the canonical text of 32 bytes comes back unchanged, so
    // padding, '+', '/', white space and stray trailing bits are all refused.
    std::string bytes;
    try {
        std::istringstream in(value);
        Poco::Base64Decoder decoder(in, kBase64Url);
        Poco::StreamCopier::copyToString(decoder, bytes);
    } catch (const Poco::Exception&) {
        return false;
    }
    if (bytes.size() != kSha256Bytes) return false;
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, kBase64Url);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str() == value;
}

std::optional<std::string> challenge_subject(const std::string& raw) {
    std::string name = lower(raw);
    if (name.starts_with(kChallengeLabel))
        name.erase(0, kChallengeLabel.size());
    else if (name.starts_with(kWildcardLabel))
        name.erase(0, kWildcardLabel.size());
    return host_name(name);
}

std::string challenge_name(const std::string& subject) { return kChallengeLabel + subject; }

std::vector<std::string> ChallengeOrder::ordered(const std::string& name, const std::vector<std::string>& published) const {
    std::vector<std::string> known;
    {
        std::lock_guard lock(mutex_);
        if (const auto it = known_.find(name); it != known_.end()) known = it->second;
    }
    std::vector<std::string> result;
    for (const auto& value : published) // not set by this process: the oldest
        if (std::find(known.begin(), known.end(), value) == known.end()) result.push_back(value);
    for (const auto& value : known)
        if (std::find(published.begin(), published.end(), value) != published.end()) result.push_back(value);
    return result;
}

std::vector<std::string> ChallengeOrder::with(const std::string& name, const std::vector<std::string>& published,
                                              const std::string& value) const {
    std::vector<std::string> values = ordered(name, published);
    // Set again, a value keeps its place: asking twice is not a newer challenge.
    if (std::find(values.begin(), values.end(), value) != values.end()) return values;
    values.push_back(value);
    if (values.size() > kMaxChallengeValues) values.erase(values.begin(), values.end() - kMaxChallengeValues);
    return values;
}

std::vector<std::string> ChallengeOrder::without(const std::string& name, const std::vector<std::string>& published,
                                                 const std::string& value) const {
    std::vector<std::string> values = ordered(name, published);
    values.erase(std::remove(values.begin(), values.end(), value), values.end());
    return values;
}

void ChallengeOrder::remember(const std::string& name, const std::vector<std::string>& values) {
    std::lock_guard lock(mutex_);
    if (values.empty()) {
        known_.erase(name); // a cleared name costs nothing
        return;
    }
    // Challenges live minutes; a caller that never cleans up must not grow this without end.
    // Forgetting only loses the order: the primary's values then count as the oldest.
    if (known_.size() >= kMaxRemembered && !known_.count(name)) known_.clear();
    known_[name] = values;
}

std::mutex& ChallengeOrder::lock_for(const std::string& name) { return names_[std::hash<std::string>{}(name) % names_.size()]; }

} // namespace dyndns::core
