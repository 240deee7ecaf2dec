// The JSON API's answers: RFC 9457 problem documents carrying the fault numbers, and JSON bodies.
#pragma once

#include <string>

#include <Poco/JSON/Object.h>

#include "http/http_types.h"
#include "vocabulary/faults.h"

namespace dyndns::api {

// docs/api.md "Errors": 401 for 1, 404 for 2, 403 for 3 and 11, 422 for 4 and 5, 429 for 6, 503 for
// 7 and 10, 502 for 8, 400 for 9.
int problem_status(core::Fault fault);

// A fault as a problem document (Retry-After with 6, a challenge with 1); `status` 0: problem_status's.
http::HttpResponse problem(const core::UpdateError& error, int status = 0);
// The request itself is malformed: fault 9, 400.
http::HttpResponse bad_request(const std::string& detail);
// An answer that is not a fault (an unknown path, 405, 413, 415): "type": "about:blank", no "fault".
http::HttpResponse http_problem(int status, const std::string& detail);

http::HttpResponse json(int status, const Poco::JSON::Object& body);
http::HttpResponse no_content();

} // namespace dyndns::api
