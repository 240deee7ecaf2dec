// Finds a free loopback port: the kernel picks one for TCP on 127.0.0.1, then UDP and ::1 must be free on it too.
#include "support/free_port.h"

#include <mutex>
#include <set>
#include <stdexcept>

#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace dyndns::test {

std::uint16_t free_loopback_port() {
    // Ports handed out already: a test asking twice must not get the same port back just because
    // the first caller has not bound it yet.
    static std::mutex given_mutex;
    static std::set<std::uint16_t> given;
    const std::lock_guard lock(given_mutex);
    // Bound without SO_REUSEADDR and SO_REUSEPORT (Poco's ServerSocket constructor sets both): a
    // socket bound with SO_REUSEPORT, as named's are, would otherwise let the check pass.
    const auto bound_tcp = [](const char* host, std::uint16_t port) {
        Poco::Net::ServerSocket socket;
        socket.bind(Poco::Net::SocketAddress(host, port), false, false);
        return socket;
    };
    for (int attempt = 0; attempt < 50; ++attempt) {
        const Poco::Net::ServerSocket tcp = bound_tcp("127.0.0.1", 0);
        const std::uint16_t port = tcp.address().port();
        if (given.contains(port)) continue;
        try {
            const Poco::Net::DatagramSocket udp(Poco::Net::SocketAddress("127.0.0.1", port), false, false);
            const Poco::Net::ServerSocket tcp6 = bound_tcp("::1", port);
            const Poco::Net::DatagramSocket udp6(Poco::Net::SocketAddress("::1", port), false, false);
        } catch (const Poco::Exception&) {
            continue; // taken for UDP or on ::1; ask again
        }
        given.insert(port);
        return port;
    }
    throw std::runtime_error("no free loopback port found");
}

} // namespace dyndns::test
