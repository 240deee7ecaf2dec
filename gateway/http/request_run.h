// Where a request leaves the loop: the job a worker runs for it, and the answer's bytes it sends back.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "http/http_types.h"
#include "http/response_bytes.h"
#include "http/router.h"

namespace dyndns::http {

// A request's answer, on its way from a worker back to the loop.
struct Completion {
    std::uint64_t id; // the connection's
    std::string bytes; // the whole answer, framed
    bool close; // the connection closes after it
};

// The worker pool's job for `request` of connection `id`: runs it through `router` and hands the
// answer to `post`, from the worker's thread. Never throws: a handler's exception becomes a 500.
std::function<void()> request_job(const Router& router, std::uint64_t id, HttpRequest request, ResponseFraming framing,
                                  std::function<void(Completion)> post);

// A 503 the loop answers itself when a request cannot run now (Retry-After: 1).
HttpResponse retry_later(std::string text);

} // namespace dyndns::http
