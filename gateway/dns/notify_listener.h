// Receives the primary's NOTIFY messages (RFC 1996) on UDP, verifies their TSIG, acknowledges them and says which zone changed.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "dns/primaries.h"

namespace dyndns::dns {

class NotifyListener {
public:
    // `serial` is the SOA serial the NOTIFY carried, when it carried one.
    using Notified = std::function<void(const std::string& zone, std::optional<std::uint32_t> serial)>;

    // Binds `listen` ("127.0.0.1:5300", "[::1]:5300") at once: throws Poco::Exception when it
    // cannot. A NOTIFY is accepted only when signed with the key of the primary that serves its
    // zone: an unsigned one could make the gateway transfer zones on anyone's say-so.
    NotifyListener(const std::string& listen, Primaries primaries, Notified notified);
    ~NotifyListener();

    void start();
    void stop();
    std::uint16_t port() const;

private:
    void run();
    struct Socket;

    std::unique_ptr<Socket> socket_;
    Primaries primaries_;
    Notified notified_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace dyndns::dns
