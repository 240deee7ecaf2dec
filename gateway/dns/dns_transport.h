// Moves one DNS message to the primary and its reply back; the seam where tests put a fake.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

namespace dyndns::dns {

struct ExchangeResult {
    enum class Status {
        Ok, // `reply` holds the bytes of one DNS message
        ConnectionRefused, // nobody listens: fail at once, retrying will not help; nothing was sent
        NotSent, // no connection within the deadline, unreachable, or the request not fully written
        Timeout, // the request was sent and no reply came within the deadline
        NetworkError, // the request was sent, then the connection failed (reset, short read…)
    };
    Status status = Status::Ok;
    std::vector<std::uint8_t> reply;
    std::string error; // what went wrong, for the operator

    // Whether the primary may have read the whole request (and so acted on it).
    bool delivered() const { return status == Status::Ok || status == Status::Timeout || status == Status::NetworkError; }
};

class DnsTransport {
public:
    virtual ~DnsTransport() = default;
    // One attempt: send `query`, wait at most `timeout` in total for one reply.
    virtual ExchangeResult exchange(std::span<const std::uint8_t> query, std::chrono::milliseconds timeout) = 0;
    // "127.0.0.1 port 53", for messages.
    virtual std::string describe() const = 0;

    // A request answered by a stream of messages (a zone transfer): sends `query` on a connection
    // of its own and hands each message to `on_message` until it returns false (the stream is
    // complete) or `timeout` passes in total. The result's `reply` stays empty. Transports that
    // cannot stream (test fakes) answer NotSent.
    using OnMessage = std::function<bool(std::span<const std::uint8_t> message)>;
    virtual ExchangeResult stream(std::span<const std::uint8_t> query, std::chrono::milliseconds timeout,
                                  const OnMessage& on_message) {
        (void)query, (void)timeout, (void)on_message;
        return {ExchangeResult::Status::NotSent, {}, "this transport cannot carry zone transfers"};
    }
};

// DNS over TCP (RFC 1035 4.2.2, RFC 7766). Connections are kept open between exchanges (RFC 7766
// 6.2.1: a client may send many requests on one connection) and reused, one exchange at a time
// each: a busy gateway then costs the primary no TCP handshake per query or UPDATE. A reused
// connection that the primary has meanwhile closed (BIND's tcp-idle-timeout) fails before any
// reply byte arrives; the exchange is then sent once more on a new connection.
//
// TCP rather than UDP with a TCP fallback: an UPDATE carrying a batch of changes plus its
// TSIG can exceed 512 bytes, a refused connection is reported at once (a UDP send to a dead
// port only times out unless ICMP comes back), replies cannot be spoofed off-path, and a
// lost reply is never confused with a lost request. The handshake costs one round trip on
// the LAN between gateway and primary, which is cheap next to BIND's journal fsync.
class TcpTransport final : public DnsTransport {
public:
    TcpTransport(std::string address, std::uint16_t port);
    ExchangeResult exchange(std::span<const std::uint8_t> query, std::chrono::milliseconds timeout) override;
    std::string describe() const override;
    ExchangeResult stream(std::span<const std::uint8_t> query, std::chrono::milliseconds timeout,
                          const OnMessage& on_message) override;

    ~TcpTransport() override;

private:
    struct Idle;
    std::unique_ptr<Idle> take_idle();
    void keep_idle(std::unique_ptr<Idle> connection);

    std::string address_;
    std::uint16_t port_;
    std::mutex idle_mutex_;
    std::vector<std::unique_ptr<Idle>> idle_; // most recently used last
};

} // namespace dyndns::dns
