// Who called, as the update core wants it, from what the HTTP layer saw: one place for every front end and the panel.
#pragma once

#include <string>

#include "core/update_service.h"
#include "http/http_types.h"

namespace dyndns::http {

core::ClientInfo client_info(const HttpRequest& request, std::string protocol);

} // namespace dyndns::http
