// OpenSSL driven directly in non-blocking mode: Poco's SecureSocketImpl hides SSL_ERROR_WANT_* behind
// exceptions and blocking retries, and the event loop needs each of those as a state.
#include "http/byte_stream.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include <openssl/err.h>

#include "vocabulary/free_deleter.h"

namespace dyndns::http {
namespace {

class TlsStream final : public ByteStream {
public:
    TlsStream(SSL_CTX* context, int fd) : fd_(fd), ssl_(SSL_new(context)) {
        if (!ssl_ || SSL_set_fd(ssl_.get(), fd) != 1) throw std::runtime_error("cannot start a TLS session");
        // Idle connections hold no 16 KiB buffers (thousands of them may be open); a partial write
        // may be retried from a moved buffer, since the loop appends to its output string.
        SSL_set_mode(ssl_.get(), SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
        SSL_set_accept_state(ssl_.get());
    }

    StreamStatus handshake() override {
        ERR_clear_error();
        return status_of(SSL_do_handshake(ssl_.get()));
    }

    StreamStatus read(std::string& into, std::size_t max) override {
        char buffer[16384];
        ERR_clear_error();
        const int n = SSL_read(ssl_.get(), buffer, static_cast<int>(std::min(max, sizeof buffer)));
        if (n > 0) {
            into.append(buffer, static_cast<std::size_t>(n));
            return StreamStatus::Done;
        }
        return status_of(n);
    }

    StreamStatus write(const char* data, std::size_t size, std::size_t& written) override {
        written = 0;
        while (written < size) {
            ERR_clear_error();
            const int n = SSL_write(ssl_.get(), data + written, static_cast<int>(std::min<std::size_t>(size - written, 1 << 20)));
            if (n <= 0) return status_of(n);
            written += static_cast<std::size_t>(n);
        }
        return StreamStatus::Done;
    }

    void finish_sending() override {
        ERR_clear_error();
        SSL_shutdown(ssl_.get()); // one close_notify, not waiting for the peer's
        ::shutdown(fd_, SHUT_WR);
    }

private:
    StreamStatus status_of(int result) {
        if (result > 0) return StreamStatus::Done;
        switch (SSL_get_error(ssl_.get(), result)) {
        case SSL_ERROR_WANT_READ: return StreamStatus::WantRead;
        case SSL_ERROR_WANT_WRITE: return StreamStatus::WantWrite;
        default: ERR_clear_error(); return StreamStatus::Closed; // the peer closed, a reset, a protocol error
        }
    }

    int fd_;
    std::unique_ptr<SSL, Free<&SSL_free>> ssl_;
};

class PlainStream final : public ByteStream {
public:
    explicit PlainStream(int fd) : fd_(fd) {}

    StreamStatus handshake() override { return StreamStatus::Done; }

    StreamStatus read(std::string& into, std::size_t max) override {
        char buffer[16384];
        const ssize_t n = ::recv(fd_, buffer, std::min(max, sizeof buffer), 0);
        if (n > 0) {
            into.append(buffer, static_cast<std::size_t>(n));
            return StreamStatus::Done;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return StreamStatus::WantRead;
        return StreamStatus::Closed;
    }

    StreamStatus write(const char* data, std::size_t size, std::size_t& written) override {
        written = 0;
        while (written < size) {
            const ssize_t n = ::send(fd_, data + written, size - written, MSG_NOSIGNAL);
            if (n > 0) {
                written += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return StreamStatus::WantWrite;
            return StreamStatus::Closed;
        }
        return StreamStatus::Done;
    }

    void finish_sending() override { ::shutdown(fd_, SHUT_WR); }

private:
    int fd_;
};

} // namespace

std::unique_ptr<ByteStream> tls_stream(SSL_CTX* context, int fd) { return std::make_unique<TlsStream>(context, fd); }
std::unique_ptr<ByteStream> plain_stream(int fd) { return std::make_unique<PlainStream>(fd); }

} // namespace dyndns::http
