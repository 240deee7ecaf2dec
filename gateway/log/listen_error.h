// The one wording of a listener that cannot bind at start-up: "cannot listen on ADDRESS port PORT (WHAT): WHY".
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <system_error>

#include <Poco/Exception.h>

namespace dyndns::log {

// `bind_failure` is what Poco threw for the socket calls: its code is the errno then, and the
// system's words ("Address already in use") say why; Poco's own text ("Net Exception: Address
// already in use: 127.0.0.1:8192") names its class and repeats the address.
inline std::runtime_error listen_error(const std::string& address, std::uint16_t port, const std::string& what,
                                       const Poco::Exception& bind_failure) {
    const std::string why =
        bind_failure.code() > 0 ? std::system_category().message(bind_failure.code()) : bind_failure.displayText();
    return std::runtime_error("cannot listen on " + address + " port " + std::to_string(port) + " (" + what + "): " + why);
}

} // namespace dyndns::log
