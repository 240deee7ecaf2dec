// Exact-path routing; the catch-all here is the HTTP layer's only exception boundary.
#include "http/router.h"

#include <algorithm>

#include "log/log.h"
#include "vocabulary/no_wait.h"

namespace dyndns::http {

const Route* Router::find(const std::string& path) const {
    const auto exact = std::find_if(routes_.begin(), routes_.end(), [&](const Route& r) { return !r.prefix && r.path == path; });
    if (exact != routes_.end()) return &*exact;
    const auto below =
        std::find_if(routes_.begin(), routes_.end(), [&](const Route& r) { return r.prefix && path.starts_with(r.path); });
    return below == routes_.end() ? nullptr : &*below;
}

namespace {

HttpResponse worded(const Route* route, int status, const std::string& reason) {
    if (route && route->refuse) return route->refuse(status, reason);
    return HttpResponse::text(status, reason);
}

} // namespace

std::optional<HttpResponse> Router::refusal(const std::string& method, const std::string& path) const {
    const Route* route = find(path);
    if (!route) return HttpResponse::text(404, "not found\n");
    if (std::find(route->methods.begin(), route->methods.end(), method) != route->methods.end()) return std::nullopt;
    HttpResponse refused = worded(route, 405, "method not allowed\n");
    std::string allow;
    for (const auto& m : route->methods) allow += (allow.empty() ? "" : ", ") + m;
    refused.headers.emplace_back("Allow", allow);
    return refused;
}

HttpResponse Router::refused(const HeadRefusal& refusal) const {
    return worded(refusal.path.empty() ? nullptr : find(refusal.path), refusal.status, refusal.reason);
}

Router::LoopAnswer Router::answer_on_loop(const HttpRequest& request) const noexcept {
    const Route* route = find(request.path);
    if (!route || !route->answers_from_memory || refusal(request.method, request.path)) return {};
    core::NoWaitScope scope;
    try {
        return {route->handler(request), false};
    } catch (const core::WouldBlock&) {
        return {std::nullopt, scope.charged()};
    } catch (...) {
        return {std::nullopt, scope.charged()}; // a worker runs it again and reports what it throws
    }
}

HttpResponse Router::dispatch(const HttpRequest& request) const noexcept {
    core::PrechargedScope precharged(request.precharged);
    try {
        if (auto refused = refusal(request.method, request.path)) return *refused;
        return find(request.path)->handler(request);
    } catch (const std::exception& e) {
        log::error("internal error on " + request.method + " " + request.path + ": " + e.what());
    } catch (...) {
        log::error("unknown internal error on " + request.method + " " + request.path);
    }
    HttpResponse failed = HttpResponse::text(500, "internal error\n");
    failed.close_connection = true;
    return failed;
}

} // namespace dyndns::http
