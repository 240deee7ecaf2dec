// Takes a PROXY protocol header off a socket before TLS begins, and not one byte more.
#pragma once

#include <string>

#include "http/byte_stream.h"
#include "http/proxy_header.h"

namespace dyndns::http {

// One non-blocking attempt on `fd`. `partial` holds what earlier attempts took of a header that
// was still incomplete. Done: `header` is Complete and the socket is positioned at the
// connection's own first byte (the TLS ClientHello). WantRead: more must come. Closed: the peer
// is gone, or `header` is Invalid (its problem says why).
StreamStatus take_proxy_header(int fd, std::string& partial, ProxyHeader& header);

} // namespace dyndns::http
