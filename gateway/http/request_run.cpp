// Nothing may escape a worker: the pool's thread would end the process, so every outcome becomes bytes.
#include "http/request_run.h"

#include "metrics/gateway_metrics.h"

namespace dyndns::http {

std::function<void()> request_job(const Router& router, std::uint64_t id, HttpRequest request, ResponseFraming framing,
                                  std::function<void(Completion)> post) {
    return [&router, id, request = std::move(request), framing, post = std::move(post)] {
        try {
            const HttpResponse response = router.dispatch(request);
            metrics::gateway_metrics().http_requests.with({std::to_string(response.status / 100) + "xx"}).add();
            ResponseFraming answer = framing;
            if (response.close_connection) answer.keep_alive = false;
            post(Completion{id, response_bytes(response, answer), !answer.keep_alive});
        } catch (...) {
            ResponseFraming answer = framing;
            answer.keep_alive = false;
            post(Completion{id, response_bytes(HttpResponse::text(500, "internal error\n"), answer), true});
        }
    };
}

HttpResponse retry_later(std::string text) {
    HttpResponse busy = HttpResponse::text(503, std::move(text));
    busy.headers.emplace_back("Retry-After", "1");
    return busy;
}

} // namespace dyndns::http
