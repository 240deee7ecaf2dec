// The TLS handshake follows on the same socket, so the header is peeked and only its own bytes are taken.
#include "http/proxy_intake.h"

#include <sys/socket.h>

#include <cerrno>

namespace dyndns::http {

StreamStatus take_proxy_header(int fd, std::string& partial, ProxyHeader& header) {
    char buffer[kProxyHeaderMaxBytes];
    const ssize_t peeked = ::recv(fd, buffer, kProxyHeaderMaxBytes - partial.size(), MSG_PEEK);
    if (peeked < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return StreamStatus::WantRead;
    if (peeked <= 0) return StreamStatus::Closed;
    std::string seen = partial;
    seen.append(buffer, static_cast<std::size_t>(peeked));
    header = parse_proxy_header(seen);
    if (header.status == ProxyHeaderStatus::Invalid) return StreamStatus::Closed;
    // A header still incomplete is all header, so what was peeked is taken and the socket drained
    // (the loop is level-triggered: bytes left there would wake it again and again).
    const std::size_t take =
        header.status == ProxyHeaderStatus::Complete ? header.length - partial.size() : static_cast<std::size_t>(peeked);
    if (::recv(fd, buffer, take, 0) != static_cast<ssize_t>(take)) return StreamStatus::Closed;
    if (header.status == ProxyHeaderStatus::NeedMore) {
        partial = std::move(seen);
        return StreamStatus::WantRead;
    }
    std::string().swap(partial);
    return StreamStatus::Done;
}

} // namespace dyndns::http
