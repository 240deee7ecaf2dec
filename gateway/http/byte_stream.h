// A connection's bytes over a non-blocking socket, through TLS (OpenSSL on Poco's context) or in the clear.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <openssl/ssl.h>

namespace dyndns::http {

// What a non-blocking step did: finished, needs the socket readable or writable first, or the
// connection is over (the peer closed, a reset, a TLS error).
enum class StreamStatus { Done, WantRead, WantWrite, Closed };

class ByteStream {
public:
    virtual ~ByteStream() = default;
    // Completes the TLS handshake (Done at once in the clear).
    virtual StreamStatus handshake() = 0;
    // Appends what is available, at most `max` bytes; Done when something was appended.
    virtual StreamStatus read(std::string& into, std::size_t max) = 0;
    // Writes from `data`; `written` says how much went. Done when all of it went.
    virtual StreamStatus write(const char* data, std::size_t size, std::size_t& written) = 0;
    // Says goodbye (a TLS close_notify) and stops sending; reading may go on.
    virtual void finish_sending() = 0;
};

// `fd` stays owned by the caller. `context` configured by Poco (certificate, protocols, ciphers).
std::unique_ptr<ByteStream> tls_stream(SSL_CTX* context, int fd);
std::unique_ptr<ByteStream> plain_stream(int fd);

} // namespace dyndns::http
