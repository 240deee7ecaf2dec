// Finds a free loopback port by letting the kernel pick one for TCP and checking UDP is free too.
#include "support/free_port.h"

#include <stdexcept>

#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace dyndns::test {

std::uint16_t free_loopback_port() {
    for (int attempt = 0; attempt < 50; ++attempt) {
        Poco::Net::ServerSocket tcp(Poco::Net::SocketAddress("127.0.0.1", 0));
        const std::uint16_t port = tcp.address().port();
        try {
            Poco::Net::DatagramSocket udp(Poco::Net::SocketAddress("127.0.0.1", port));
            Poco::Net::DatagramSocket udp6(Poco::Net::SocketAddress("::1", port));
            Poco::Net::ServerSocket tcp6(Poco::Net::SocketAddress("::1", port));
            return port;
        } catch (const Poco::Exception&) {
            continue; // taken for UDP or on ::1; ask again
        }
    }
    throw std::runtime_error("no free loopback port found");
}

} // namespace dyndns::test
