// DNS over TCP with one deadline per attempt, on Poco sockets kept open and reused between exchanges.
#include "dns/dns_transport.h"

#include <exception>
#include <stdexcept>

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

namespace dyndns::dns {
namespace {

using Clock = std::chrono::steady_clock;

Poco::Timespan remaining(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    // Poco treats a zero timeout as "block forever", so an expired deadline becomes 1 µs.
    return Poco::Timespan(std::max<std::int64_t>(left.count(), 1));
}

// Nothing arrived on a reused connection: the primary had closed it. Safe to send again, since
// a request the primary read would have been answered or the connection kept open.
struct StaleConnection : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// RFC 1035 4.2.2: each message is preceded by its length as two octets.
std::vector<std::uint8_t> framed_message(std::span<const std::uint8_t> message) {
    std::vector<std::uint8_t> framed;
    framed.reserve(message.size() + 2);
    framed.push_back(static_cast<std::uint8_t>(message.size() >> 8));
    framed.push_back(static_cast<std::uint8_t>(message.size() & 0xFF));
    framed.insert(framed.end(), message.begin(), message.end());
    return framed;
}

// Reads exactly buffer.size() bytes by `deadline`; throws on timeout or a closed connection.
void receive_exactly(Poco::Net::StreamSocket& socket, std::span<std::uint8_t> buffer, Clock::time_point deadline) {
    std::size_t got = 0;
    while (got < buffer.size()) {
        if (Clock::now() >= deadline) throw Poco::TimeoutException("reply");
        socket.setReceiveTimeout(remaining(deadline));
        const int n = socket.receiveBytes(buffer.data() + got, static_cast<int>(buffer.size() - got));
        if (n <= 0) throw Poco::Net::NetException("the connection was closed in the middle of the transfer");
        got += static_cast<std::size_t>(n);
    }
}

// What an exchange that threw tells its caller: whether the primary may have the request
// (`written`) decides NotSent against Timeout/NetworkError. `late` says what a timeout after
// writing means ("no reply within").
ExchangeResult failed_exchange(std::exception_ptr failure, bool written, const std::string& late,
                               std::chrono::milliseconds timeout) {
    using Status = ExchangeResult::Status;
    try {
        std::rethrow_exception(failure);
    } catch (const Poco::Net::ConnectionRefusedException&) {
        return {Status::ConnectionRefused, {}, "connection refused"};
    } catch (const Poco::TimeoutException&) {
        if (!written) return {Status::NotSent, {}, "no connection within " + std::to_string(timeout.count()) + " ms"};
        return {Status::Timeout, {}, late + " " + std::to_string(timeout.count()) + " ms"};
    } catch (const Poco::Exception& e) {
        return {written ? Status::NetworkError : Status::NotSent, {}, e.displayText()};
    } catch (const std::exception& e) {
        return {written ? Status::NetworkError : Status::NotSent, {}, e.what()};
    } catch (...) {
        return {written ? Status::NetworkError : Status::NotSent, {}, "unknown failure"};
    }
}

// Idle connections older than this are not reused: BIND closes idle TCP clients after 30 s by
// default (tcp-idle-timeout), and a connection it is about to close is a wasted attempt.
constexpr auto kMaxIdle = std::chrono::seconds(10);
constexpr std::size_t kMaxIdleConnections = 32;

} // namespace

struct TcpTransport::Idle {
    Poco::Net::StreamSocket socket;
    Clock::time_point since;
};

TcpTransport::TcpTransport(std::string address, std::uint16_t port) : address_(std::move(address)), port_(port) {}

TcpTransport::~TcpTransport() = default;

std::unique_ptr<TcpTransport::Idle> TcpTransport::take_idle() {
    std::lock_guard lock(idle_mutex_);
    while (!idle_.empty()) {
        auto connection = std::move(idle_.back());
        idle_.pop_back();
        if (Clock::now() - connection->since >= kMaxIdle) continue;
        // Readable while idle means the primary closed it (or sent what nobody asked for): drop it.
        try {
            if (connection->socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ)) continue;
        } catch (const Poco::Exception&) {
            continue;
        }
        return connection;
    }
    return nullptr;
}

void TcpTransport::keep_idle(std::unique_ptr<Idle> connection) {
    connection->since = Clock::now();
    std::lock_guard lock(idle_mutex_);
    if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(connection));
}

std::string TcpTransport::describe() const { return address_ + " port " + std::to_string(port_); }

ExchangeResult TcpTransport::exchange(std::span<const std::uint8_t> query, std::chrono::milliseconds timeout) {
    using Status = ExchangeResult::Status;
    if (query.size() > 0xFFFF) return {Status::NotSent, {}, "the message is larger than 65535 bytes"};
    const auto deadline = Clock::now() + timeout;

    const std::vector<std::uint8_t> framed = framed_message(query);

    for (;;) {
        auto connection = take_idle();
        const bool reused = connection != nullptr;
        bool written = false; // the whole request is with the primary: from here on it may act on it
        try {
            if (!connection) {
                connection = std::make_unique<Idle>();
                connection->socket.connect(Poco::Net::SocketAddress(address_, port_), remaining(deadline));
                connection->socket.setNoDelay(true);
            }
            Poco::Net::StreamSocket& socket = connection->socket;
            socket.setSendTimeout(remaining(deadline));
            std::size_t sent = 0;
            try {
                while (sent < framed.size()) {
                    const int n = socket.sendBytes(framed.data() + sent, static_cast<int>(framed.size() - sent));
                    if (n <= 0) throw Poco::Net::NetException("the connection was closed while sending");
                    sent += static_cast<std::size_t>(n);
                }
            } catch (const Poco::TimeoutException&) {
                throw;
            } catch (const std::exception& e) {
                // The primary closed the idle connection: an incomplete message is never processed.
                if (reused) throw StaleConnection(e.what());
                throw;
            }
            written = true;

            // Usually the whole reply arrives in one segment: one read, the timeout set once.
            std::vector<std::uint8_t> buffer(4096);
            std::size_t got = 0;
            while (got < 2 || got < 2 + ((std::size_t{buffer[0]} << 8) | buffer[1])) {
                if (Clock::now() >= deadline) throw Poco::TimeoutException("reply");
                socket.setReceiveTimeout(remaining(deadline));
                if (got >= 2) buffer.resize(std::max(buffer.size(), 2 + ((std::size_t{buffer[0]} << 8) | buffer[1])));
                if (got == buffer.size()) buffer.resize(buffer.size() * 2);
                int n = 0;
                try {
                    n = socket.receiveBytes(buffer.data() + got, static_cast<int>(buffer.size() - got));
                } catch (const Poco::TimeoutException&) {
                    throw;
                } catch (const std::exception& e) {
                    if (reused && got == 0) throw StaleConnection(e.what());
                    throw;
                }
                if (n <= 0) {
                    if (reused && got == 0) throw StaleConnection("closed by the primary while idle");
                    throw Poco::Net::NetException("the connection was closed before a full reply arrived");
                }
                got += static_cast<std::size_t>(n);
            }
            const std::size_t size = (std::size_t{buffer[0]} << 8) | buffer[1];
            // More than one message would mean the stream is out of step: never reuse such a connection.
            if (got != 2 + size) throw Poco::Net::NetException("unexpected bytes after the reply");
            ExchangeResult result{
                Status::Ok, std::vector<std::uint8_t>(buffer.begin() + 2, buffer.begin() + 2 + static_cast<std::ptrdiff_t>(size)),
                ""};
            keep_idle(std::move(connection));
            return result;
        } catch (const StaleConnection&) {
            // Nothing of a reply arrived on a reused connection: resend on another (each tried once).
            // Any other failure is not retried here: the primary may have processed the request.
            continue;
        } catch (...) {
            return failed_exchange(std::current_exception(), written, "no reply within", timeout);
        }
    }
}

ExchangeResult TcpTransport::stream(std::span<const std::uint8_t> query, std::chrono::milliseconds timeout,
                                    const OnMessage& on_message) {
    using Status = ExchangeResult::Status;
    if (query.size() > 0xFFFF) return {Status::NotSent, {}, "the message is larger than 65535 bytes"};
    const auto deadline = Clock::now() + timeout;
    bool written = false;
    try {
        // A connection of its own, closed at the end: a transfer's messages never mix with the
        // pooled connections' one-reply exchanges.
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress(address_, port_), remaining(deadline));
        socket.setNoDelay(true);
        socket.setSendTimeout(remaining(deadline));
        const std::vector<std::uint8_t> framed = framed_message(query);
        socket.sendBytes(framed.data(), static_cast<int>(framed.size())); // Poco's blocking send writes it all
        written = true;
        std::vector<std::uint8_t> message;
        for (;;) {
            std::uint8_t length[2];
            receive_exactly(socket, length, deadline);
            message.resize((std::size_t{length[0]} << 8) | length[1]);
            receive_exactly(socket, message, deadline);
            if (!on_message(message)) return {Status::Ok, {}, ""};
        }
    } catch (...) {
        return failed_exchange(std::current_exception(), written, "the transfer did not end within", timeout);
    }
}

} // namespace dyndns::dns
