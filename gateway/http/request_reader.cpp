// Framing a connection's bytes into requests: where a head ends, how long a body is, and the bound on what is buffered.
#include "http/request_reader.h"

namespace dyndns::http {

std::size_t RequestReader::room() const {
    const std::size_t head = max_head_bytes(limits_) + 1;
    const std::size_t cap = state_ == State::Body ? current_->content_length + head : head;
    return cap > in_.size() ? cap - in_.size() : 1;
}

ReadStep RequestReader::refuse(int status, std::string reason) {
    state_ = State::Refused;
    refusal_ = HeadRefusal{status, std::move(reason), ""};
    return ReadStep::Refused;
}

ReadStep RequestReader::step() {
    if (state_ == State::Refused) return ReadStep::Refused;
    if (state_ == State::Taken) return ReadStep::NeedMore; // the current request is not answered yet
    if (state_ == State::Body) return in_.size() >= current_->content_length ? ReadStep::Request : ReadStep::NeedMore;

    // RFC 9112 §2.2: empty lines before a request line are ignored.
    std::size_t skip = 0;
    while (skip + 1 < in_.size() && in_[skip] == '\r' && in_[skip + 1] == '\n') skip += 2;
    in_.erase(0, skip);
    if (in_.empty()) return ReadStep::NeedMore;
    const std::size_t end = head_end(in_);
    if (end == std::string::npos) {
        if (in_.size() <= max_head_bytes(limits_)) return ReadStep::NeedMore;
        return refuse(431, "request head too large\n");
    }
    auto head = read_request_head(std::string_view(in_).substr(0, end), limits_);
    in_.erase(0, end);
    if (auto* refused = std::get_if<HeadRefusal>(&head)) {
        state_ = State::Refused;
        refusal_ = std::move(*refused); // with its path, for the route's wording
        return ReadStep::Refused;
    }
    current_ = std::move(std::get<RequestHead>(head));
    state_ = State::Body;
    return ReadStep::Head;
}

HttpRequest RequestReader::take_request() {
    HttpRequest request = std::move(current_->request);
    if (in_.size() == current_->content_length) {
        request.body = std::move(in_); // nothing pipelined after it: the buffer is the body, no copy
        in_.clear();
    } else {
        request.body = in_.substr(0, current_->content_length);
        in_.erase(0, current_->content_length);
    }
    state_ = State::Taken;
    return request;
}

void RequestReader::finish_request() {
    current_.reset();
    state_ = State::Head;
    // 10,000 idle connections after a 64 KiB POST each would add up.
    if (in_.empty()) std::string().swap(in_);
}

} // namespace dyndns::http
