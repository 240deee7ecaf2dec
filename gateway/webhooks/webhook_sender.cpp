// The SSRF check happens here again, right before connecting: the name may resolve elsewhere now than at registration.
#include "webhooks/webhook_sender.h"

#include <sys/socket.h>

#include <condition_variable>
#include <istream>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "core/webhook_signature.h"
#include "core/webhook_target.h"

namespace dyndns::webhooks {
namespace {

using Clock = std::chrono::steady_clock;

// Poco's socket timeouts are per operation; the attempt's deadline is checked between them, and
// each operation gets what is left (a zero timeout would block for ever).
Poco::Timespan left_until(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count();
    if (left <= 0) throw Poco::TimeoutException("the attempt's deadline passed");
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(left));
}

// A socket connected to the first of `addresses` that answers in time.
Poco::Net::StreamSocket connected(const std::vector<Poco::Net::IPAddress>& addresses, std::uint16_t port,
                                  Clock::time_point deadline) {
    std::string last_failure = "no address";
    for (const auto& address : addresses) {
        try {
            Poco::Net::StreamSocket socket;
            socket.connect(Poco::Net::SocketAddress(address, port), left_until(deadline));
            return socket;
        } catch (const Poco::TimeoutException&) {
            throw;
        } catch (const Poco::Exception& e) {
            last_failure = address.toString() + ": " + e.displayText();
        }
    }
    throw Poco::Net::ConnectionRefusedException(last_failure);
}

// Poco's waits are per operation (and an SSL read that times out polls once more), so a receiver
// that answers a byte at a time could stretch an attempt far past its deadline. This cuts the
// connection (shutdown(2) of the descriptor, which wakes whatever read or write waits on it) when
// the deadline passes. The descriptor stays open until the sockets go, after this is destroyed.
class DeadlineCut {
public:
    DeadlineCut(int descriptor, Clock::time_point deadline)
        : thread_([this, descriptor, deadline] {
              std::unique_lock lock(mutex_);
              if (done_changed_.wait_until(lock, deadline, [this] { return done_; })) return;
              cut_ = true;
              ::shutdown(descriptor, SHUT_RDWR);
          }) {}
    ~DeadlineCut() {
        {
            std::lock_guard lock(mutex_);
            done_ = true;
        }
        done_changed_.notify_one();
        thread_.join();
    }
    DeadlineCut(const DeadlineCut&) = delete;
    DeadlineCut& operator=(const DeadlineCut&) = delete;
    bool cut() {
        std::lock_guard lock(mutex_);
        return cut_;
    }

private:
    std::mutex mutex_;
    std::condition_variable done_changed_;
    bool done_ = false;
    bool cut_ = false;
    std::thread thread_;
};

// Status lines and answers are the receiver's words: bounded and single-line before they are kept.
std::string bounded(std::string text) {
    if (text.size() > 200) text.resize(200);
    for (char& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return text;
}

} // namespace

Poco::Net::Context::Ptr client_context(const SenderSettings& settings) {
    Poco::Net::Context::Params params;
    // STRICT: Poco's RELAXED skips the name check for "localhost" and loopback addresses.
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.verificationDepth = 9;
    params.loadDefaultCAs = true;
    params.caLocation = settings.ca_file;
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4";
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return context;
}

AttemptResult send_delivery(const core::ClaimedDelivery& claimed, const SenderSettings& settings, Poco::Net::Context::Ptr context,
                            std::int64_t now_seconds) {
    const auto deadline = Clock::now() + settings.timeout;
    AttemptResult result;
    const auto url = core::parse_webhook_url(claimed.url);
    if (const auto* refused = std::get_if<std::string>(&url)) {
        result.error = "refused: " + *refused;
        return result;
    }
    const core::WebhookUrl& target = std::get<core::WebhookUrl>(url);
    const auto addresses = core::webhook_addresses(target.host, settings.allow_private_addresses);
    if (const auto* refused = std::get_if<std::string>(&addresses)) {
        result.error = "refused: " + *refused;
        return result;
    }
    // Declared so that the cut goes first, before the session and the sockets close the descriptor.
    std::optional<Poco::Net::StreamSocket> plain;
    std::optional<Poco::Net::SecureStreamSocket> secure;
    std::optional<Poco::Net::HTTPClientSession> session;
    std::optional<DeadlineCut> cut;
    try {
        plain = connected(std::get<std::vector<Poco::Net::IPAddress>>(addresses), target.port, deadline);
        cut.emplace(plain->impl()->sockfd(), deadline);
        plain->setReceiveTimeout(left_until(deadline));
        plain->setSendTimeout(left_until(deadline));
        // The checked address, with the name for SNI and the certificate check.
        secure = Poco::Net::SecureStreamSocket::attach(*plain, target.host, context);
        // The plain session class over the TLS socket: HTTPSClientSession's constructor from a
        // socket sets the port, which Poco refuses on a connected one.
        session.emplace(*secure);
        session->setKeepAlive(false);
        // On the socket itself: a session applies its own timeouts only to connections it makes.
        const auto bound_next_wait = [&] {
            secure->setReceiveTimeout(left_until(deadline));
            secure->setSendTimeout(left_until(deadline));
        };
        bound_next_wait();

        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, target.path_and_query,
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        request.setHost(target.host, target.port);
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(claimed.delivery.body.size()));
        request.set("User-Agent", settings.user_agent);
        request.set("Dyndns-Event-Id", claimed.delivery.event_id);
        request.set(core::kSignatureHeader, core::webhook_signature(claimed.secret, now_seconds, claimed.delivery.body));
        request.setKeepAlive(false);
        session->sendRequest(request) << claimed.delivery.body;

        Poco::Net::HTTPResponse response;
        bound_next_wait();
        std::istream& answer = session->receiveResponse(response);
        result.status_code = static_cast<int>(response.getStatus());
        // Read, so the receiver is not cut off mid-write, but no more than the bound and no longer than the deadline.
        char buffer[4096];
        std::size_t read = 0;
        while (read < settings.max_answer_bytes && answer) {
            bound_next_wait();
            answer.read(buffer, static_cast<std::streamsize>(std::min(sizeof buffer, settings.max_answer_bytes - read)));
            read += static_cast<std::size_t>(answer.gcount());
            if (answer.gcount() == 0) break;
        }
    } catch (const Poco::TimeoutException&) {
        result.error = "timed out after " + std::to_string(settings.timeout.count()) + " ms";
    } catch (const Poco::Net::SSLException& e) {
        result.error = "TLS: " + bounded(e.displayText());
    } catch (const Poco::Exception& e) {
        result.error = bounded(e.displayText());
    } catch (const std::exception& e) {
        result.error = bounded(e.what());
    }
    if (cut && cut->cut() && result.status_code == 0)
        result.error = "timed out after " + std::to_string(settings.timeout.count()) + " ms";
    cut.reset(); // before the sockets close the descriptor it may cut
    if (result.status_code >= 200 && result.status_code < 300) {
        result.delivered = true;
        result.error.clear(); // an answer cut off after a 2xx status is still a delivery
    } else if (result.error.empty()) {
        result.error = result.status_code >= 300 && result.status_code < 400
                           ? "HTTP " + std::to_string(result.status_code) + " (redirects are not followed)"
                           : "HTTP " + std::to_string(result.status_code);
    }
    return result;
}

} // namespace dyndns::webhooks
