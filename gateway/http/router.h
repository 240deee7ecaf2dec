// The route table: which handler answers a path and method, and the one place a handler's exception becomes a 500.
#pragma once

#include <optional>
#include <vector>

#include "http/http_types.h"
#include "http/request_head.h"

namespace dyndns::http {

class Router {
public:
    explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {}

    // 404 or 405 (with Allow) decided from the head alone, before any body is read; nullopt: routed.
    std::optional<HttpResponse> refusal(const std::string& method, const std::string& path) const;

    // The server's own refusal of a head (too large, a body over the limit, …) in the words of the
    // route it was for.
    HttpResponse refused(const HeadRefusal& refusal) const;

    // On the event loop: the answer when the request's route answers from memory and nothing had
    // to wait; else nothing, and `precharged` says whether the call's budget was spent already.
    struct LoopAnswer {
        std::optional<HttpResponse> response;
        bool precharged = false;
    };
    LoopAnswer answer_on_loop(const HttpRequest& request) const noexcept;
    bool answers_from_memory(const std::string& path) const {
        const Route* route = find(path);
        return route && route->answers_from_memory;
    }

    // The handler's answer; anything it throws is logged and answered 500 (with Connection: close).
    HttpResponse dispatch(const HttpRequest& request) const noexcept;

private:
    const Route* find(const std::string& path) const;

    const std::vector<Route> routes_; // immutable once serving: workers read it without locks
};

} // namespace dyndns::http
