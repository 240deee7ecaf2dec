// DNS over TCP with one deadline per attempt, on Poco sockets.
#include "dns/dns_transport.h"

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

// Reads exactly `size` bytes or throws; each wait is bounded by what is left of the deadline.
void receive_exactly(Poco::Net::StreamSocket& socket, std::uint8_t* out, std::size_t size, Clock::time_point deadline) {
    std::size_t got = 0;
    while (got < size) {
        if (Clock::now() >= deadline) throw Poco::TimeoutException("reply");
        socket.setReceiveTimeout(remaining(deadline));
        const int n = socket.receiveBytes(out + got, static_cast<int>(size - got));
        if (n <= 0) throw Poco::Net::NetException("the connection was closed before a full reply arrived");
        got += static_cast<std::size_t>(n);
    }
}

} // namespace

TcpTransport::TcpTransport(std::string address, std::uint16_t port) : address_(std::move(address)), port_(port) {}

std::string TcpTransport::describe() const { return address_ + " port " + std::to_string(port_); }

ExchangeResult TcpTransport::exchange(std::span<const std::uint8_t> query, std::chrono::milliseconds timeout) {
    using Status = ExchangeResult::Status;
    if (query.size() > 0xFFFF) return {Status::NetworkError, {}, "the message is larger than 65535 bytes"};
    const auto deadline = Clock::now() + timeout;
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress(address_, port_), remaining(deadline));
        socket.setNoDelay(true);

        // RFC 1035 4.2.2: each message is preceded by its length as two octets.
        std::vector<std::uint8_t> framed;
        framed.reserve(query.size() + 2);
        framed.push_back(static_cast<std::uint8_t>(query.size() >> 8));
        framed.push_back(static_cast<std::uint8_t>(query.size() & 0xFF));
        framed.insert(framed.end(), query.begin(), query.end());
        socket.setSendTimeout(remaining(deadline));
        std::size_t sent = 0;
        while (sent < framed.size()) {
            const int n = socket.sendBytes(framed.data() + sent, static_cast<int>(framed.size() - sent));
            if (n <= 0) throw Poco::Net::NetException("the connection was closed while sending");
            sent += static_cast<std::size_t>(n);
        }

        std::uint8_t length[2];
        receive_exactly(socket, length, 2, deadline);
        const std::size_t size = (std::size_t{length[0]} << 8) | length[1];
        ExchangeResult result{Status::Ok, std::vector<std::uint8_t>(size), ""};
        receive_exactly(socket, result.reply.data(), size, deadline);
        return result;
    } catch (const Poco::Net::ConnectionRefusedException&) {
        return {Status::ConnectionRefused, {}, "connection refused"};
    } catch (const Poco::TimeoutException&) {
        return {Status::Timeout, {}, "no reply within " + std::to_string(timeout.count()) + " ms"};
    } catch (const Poco::Exception& e) {
        return {Status::NetworkError, {}, e.displayText()};
    } catch (const std::exception& e) {
        return {Status::NetworkError, {}, e.what()};
    }
}

} // namespace dyndns::dns
