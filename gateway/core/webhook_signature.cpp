// Signs with Poco's HMAC engine over SHA-256: the scheme Stripe and GitHub use, so receivers' libraries fit.
#include "core/webhook_signature.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

namespace dyndns::core {
namespace {

// HMACEngine wants a default-constructible engine that knows its block size.
class Sha256 : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

} // namespace

std::string webhook_mac(const std::string& secret, std::int64_t timestamp, const std::string& body) {
    Poco::HMACEngine<Sha256> hmac(secret);
    // The timestamp is signed with the body, so a receiver that refuses old timestamps refuses a
    // replay of a captured delivery too.
    hmac.update(std::to_string(timestamp));
    hmac.update('.');
    hmac.update(body);
    return Poco::DigestEngine::digestToHex(hmac.digest());
}

std::string webhook_signature(const std::string& secret, std::int64_t timestamp, const std::string& body) {
    return "t=" + std::to_string(timestamp) + ",v1=" + webhook_mac(secret, timestamp, body);
}

} // namespace dyndns::core
