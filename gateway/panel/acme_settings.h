// The panel's ready-to-copy ACME DNS-01 settings for one domain: lego (httpreq, acme-dns), certbot's acme-dns plugin, Traefik, Caddy.
#pragma once

#include <string>

#include "panel/panel_pages.h"

namespace dyndns::panel {

// An HTML section; `domain` is the name the certificate is for, `account` the panel's user.
std::string acme_settings(const std::string& domain, const ClientEndpoints& endpoints, const std::string& account);

} // namespace dyndns::panel
