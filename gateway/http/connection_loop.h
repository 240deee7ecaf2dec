// The event loop: accepts, shakes hands, reads each request whole under per-phase deadlines, hands it to the workers, writes the answer.
// A newcomer's map of the edge (its files, a connection's phases and deadlines, the caps): docs/edge.md.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <Poco/Net/Context.h>

#include "http/admission.h"
#include "http/edge_settings.h"
#include "http/loop_group.h"
#include "http/router.h"
#include "http/worker_pool.h"

namespace dyndns::http {

class ConnectionLoop {
public:
    // `tls` may be null when no listener speaks TLS. Several loops of one server share their
    // listeners and `admission` (the caps hold across them); null: a loop of its own.
    ConnectionLoop(EdgeSettings settings, std::vector<Listener> listeners, Poco::Net::Context::Ptr tls, const Router& router,
                   WorkerPool& workers, std::shared_ptr<Admission> admission = nullptr);
    ~ConnectionLoop();
    ConnectionLoop(const ConnectionLoop&) = delete;
    ConnectionLoop& operator=(const ConnectionLoop&) = delete;

    // One of the server's loops (before start): at the global cap it makes room where the oldest
    // idle or silent connection is, whichever loop holds it.
    void join(const std::shared_ptr<LoopGroup>& group);
    void start(const std::string& thread_name = "loop-0");
    // From any thread; applied by the loop's thread. New connections use the new context (open
    // ones keep theirs); new phases get the new deadlines, new connections the new caps.
    void set_tls(Poco::Net::Context::Ptr tls);
    void set_settings(const EdgeSettings& settings);
    // Stops accepting and closes at once the connections with no request being run or answered
    // (idle ones, and requests still being read); those being run or answered get up to `grace`
    // to finish; then everything closes and the loop's thread ends. The router and the worker
    // pool must outlive the loop, and the pool must stop after it.
    void stop(std::chrono::milliseconds grace);
    // stop() without waiting: a server's loops all begin their grace at once.
    void begin_stop(std::chrono::milliseconds grace);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace dyndns::http
