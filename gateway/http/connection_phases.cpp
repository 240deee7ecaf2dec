// One connection's steps through its phases: handshake, reading a request, handing it to a worker, writing the answer, lingering.
#include <sys/epoll.h>

#include "http/connection_loop_impl.h"

namespace dyndns::http {
namespace {

std::uint32_t events_for(StreamStatus status) { return status == StreamStatus::WantWrite ? EPOLLOUT : EPOLLIN; }

} // namespace

void ConnectionLoop::Impl::enter(Connection& c, Phase phase) {
    if (c.listed_in) {
        c.listed_in->erase(c.list_position);
        c.listed_in = nullptr;
    }
    c.phase = phase;
    c.deadline = Clock::now() + timeout_of(phase, settings);
    std::list<Connection*>* list = nullptr;
    if (phase == Phase::Idle) list = &idle;
    if (phase == Phase::ProxyHeader || phase == Phase::Handshake || phase == Phase::Head) list = &waiting;
    if (list) {
        c.listed_at = Clock::now();
        c.list_position = list->insert(list->end(), &c);
        c.listed_in = list;
    }
    publish_oldest();
}

void ConnectionLoop::Impl::set_interest(Connection& c, std::uint32_t wanted) {
    events.change(c.fd, c.id, c.interest, wanted);
    c.interest = wanted;
}

void ConnectionLoop::Impl::advance(Connection& c) {
    for (int steps = 0;; ++steps) {
        if (steps == kStepsPerTurn) {
            ready.push_back(c.id); // the others get their turn first
            return;
        }
        switch (c.phase) {
        case Phase::ProxyHeader: {
            const StreamStatus status = read_proxy_header(c);
            if (status == StreamStatus::Done) {
                enter(c, Phase::Handshake);
                continue;
            }
            if (status == StreamStatus::Closed) return close(c);
            return set_interest(c, events_for(status));
        }
        case Phase::Handshake: {
            if (handshakes_this_turn == kHandshakesPerTurn) {
                set_interest(c, 0);
                deferred_handshakes.push_back(c.id);
                return;
            }
            ++handshakes_this_turn;
            const StreamStatus status = c.stream->handshake();
            if (status == StreamStatus::Done) {
                enter(c, Phase::Head);
                continue;
            }
            if (status == StreamStatus::Closed) return close(c);
            return set_interest(c, events_for(status));
        }
        case Phase::Idle:
        case Phase::Head:
        case Phase::Body: {
            c.reader.set_limits(settings.head_limits); // new limits apply from the next read on
            const Taken taken = take_request(c);
            if (taken == Taken::Dead) return close(c);
            if (taken == Taken::Moved) continue;
            const StreamStatus status = c.stream->read(c.reader.input(), c.reader.room());
            if (status == StreamStatus::Done) continue;
            if (status == StreamStatus::Closed) return close(c);
            return set_interest(c, events_for(status));
        }
        case Phase::Working: return set_interest(c, 0);
        case Phase::Writing: {
            const StreamStatus status = flush(c);
            if (status == StreamStatus::Done) {
                finish_response(c);
                continue;
            }
            if (status == StreamStatus::Closed) return close(c);
            return set_interest(c, events_for(status));
        }
        case Phase::Lingering: {
            std::string dropped;
            const StreamStatus status = c.stream->read(dropped, 16384);
            c.lingered += dropped.size();
            if (status == StreamStatus::Closed || c.lingered > kLingerMaxBytes) return close(c);
            if (status == StreamStatus::Done) continue;
            return set_interest(c, events_for(status));
        }
        }
    }
}

Taken ConnectionLoop::Impl::take_request(Connection& c) {
    const ReadStep step = c.reader.step();
    if (c.phase == Phase::Idle && c.reader.begun()) enter(c, Phase::Head); // the head's deadline runs from its first byte
    switch (step) {
    case ReadStep::NeedMore: return Taken::NeedMore;
    case ReadStep::Refused: respond_now(c, router.refused(c.reader.refusal())); return Taken::Moved;
    case ReadStep::Request: return dispatch(c);
    case ReadStep::Head: break;
    }
    const RequestHead& head = *c.reader.head();
    // Refused before its body is read, so the connection cannot be reused.
    if (auto refused = router.refusal(head.request.method, head.request.path)) {
        respond_now(c, std::move(*refused));
        return Taken::Moved;
    }
    if (head.content_length == 0) return dispatch(c);
    enter(c, Phase::Body);
    if (head.expects_continue && !c.reader.has_input() && !write_all_now(c, kContinue)) return Taken::Dead;
    return c.reader.step() == ReadStep::Request ? dispatch(c) : Taken::NeedMore;
}

bool ConnectionLoop::Impl::write_all_now(Connection& c, std::string_view bytes) {
    std::size_t written = 0;
    return c.stream->write(bytes.data(), bytes.size(), written) == StreamStatus::Done;
}

ResponseFraming ConnectionLoop::Impl::framing_for(const Connection& c, bool keep_alive) const {
    const RequestHead* head = c.reader.head();
    return ResponseFraming{keep_alive, head == nullptr || head->http11, c.https};
}

void ConnectionLoop::Impl::respond_now(Connection& c, const HttpResponse& response) {
    c.queue(response_bytes(response, framing_for(c, false)));
    c.close_after_write = true;
    enter(c, Phase::Writing);
}

Taken ConnectionLoop::Impl::dispatch(Connection& c) {
    const bool keep_alive = c.reader.head()->keep_alive && !stopping && c.served + 1 < settings.max_keep_alive_requests;
    const ResponseFraming framing = framing_for(c, keep_alive);
    HttpRequest request = c.reader.take_request();
    request.peer_address = c.peer;
    request.via_proxy_protocol = c.proxied;
    // Most calls repeat what the gateway already knows: answered here, no hand-off to a worker and
    // back. What would wait goes on to a worker below.
    if (Router::LoopAnswer answer = router.answer_on_loop(request); answer.response) {
        metrics.loop_answers.with({"answered"}).add();
        metrics.http_requests.with({std::to_string(answer.response->status / 100) + "xx"}).add();
        ResponseFraming answered = framing;
        if (answer.response->close_connection) answered.keep_alive = false;
        c.queue(response_bytes(*answer.response, answered));
        c.close_after_write = !answered.keep_alive || stopping;
        enter(c, Phase::Writing);
        return Taken::Moved;
    } else if (router.answers_from_memory(request.path)) {
        metrics.loop_answers.with({"handed_on"}).add();
        request.precharged = answer.precharged;
    }
    if (!admission.try_start_request(c.block)) {
        metrics.connections_closed.with({"address_busy"}).add();
        respond_now(c, retry_later("too many requests in progress from your address; retry in a moment\n"));
        return Taken::Moved;
    }
    c.counted_working = true;
    enter(c, Phase::Working);
    if (!workers.try_submit(
            request_job(router, c.id, std::move(request), framing, [this](Completion done) { post(std::move(done)); }))) {
        release_working(c);
        metrics.connections_closed.with({"busy"}).add();
        respond_now(c, retry_later("busy; retry in a moment\n"));
    }
    return Taken::Moved;
}

void ConnectionLoop::Impl::take_completions() {
    events.clear_wake();
    std::vector<Completion> done;
    std::vector<std::function<void()>> to_apply;
    {
        std::lock_guard lock(completions_mutex);
        done.swap(completions);
        to_apply.swap(controls);
    }
    for (auto& control : to_apply) control();
    for (auto& completion : done) {
        const auto found = connections.find(completion.id);
        if (found == connections.end()) continue; // closed meanwhile (shutdown's grace ran out)
        Connection& c = *found->second;
        release_working(c);
        c.queue(std::move(completion.bytes));
        c.close_after_write = completion.close || stopping;
        enter(c, Phase::Writing);
        advance(c);
    }
}

StreamStatus ConnectionLoop::Impl::flush(Connection& c) {
    while (c.out_sent < c.out.size()) {
        std::size_t written = 0;
        const StreamStatus status = c.stream->write(c.out.data() + c.out_sent, c.out.size() - c.out_sent, written);
        c.out_sent += written;
        if (status != StreamStatus::Done) return status;
    }
    std::string().swap(c.out); // an idle connection keeps no buffer capacity
    c.out_sent = 0;
    return StreamStatus::Done;
}

void ConnectionLoop::Impl::finish_response(Connection& c) {
    ++c.served;
    c.reader.finish_request();
    if (c.close_after_write || stopping) {
        c.stream->finish_sending();
        enter(c, Phase::Lingering);
        return;
    }
    // A pipelined request already received is next; else the connection waits, idle.
    enter(c, c.reader.has_input() ? Phase::Head : Phase::Idle);
}

} // namespace dyndns::http
