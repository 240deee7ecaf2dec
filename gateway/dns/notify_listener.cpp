// One thread on a UDP socket: parse with ldns, check it is a signed NOTIFY for a SOA, answer it signed, hand the zone on.
#include "dns/notify_listener.h"

#include <Poco/Net/DatagramSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "dns/ldns_handles.h"
#include "dns/notify_message.h"
#include "dns/tsig.h"
#include "log/listen_error.h"
#include "log/log.h"
#include "metrics/gateway_metrics.h"
#include "vocabulary/thread_name.h"

namespace dyndns::dns {
namespace {

// A NOTIFY is a few hundred bytes; anything longer is not one.
constexpr std::size_t kMaxNotifyBytes = 4096;
const Poco::Timespan kPollInterval(0, 200'000); // how soon stop() is noticed
constexpr std::size_t kMaxRemembered = 4096; // NOTIFY MACs kept against replays: far more than primaries send in 10 minutes

} // namespace

struct NotifyListener::Socket {
    Poco::Net::DatagramSocket socket;
};

NotifyListener::NotifyListener(const std::string& listen, Primaries primaries, Notified notified)
    : socket_(std::make_unique<Socket>()), primaries_(std::move(primaries)), notified_(std::move(notified)) {
    // No address reuse: a second gateway configured with the same address must fail at start,
    // not silently share (and miss) the NOTIFYs.
    const Poco::Net::SocketAddress address(listen);
    try {
        socket_->socket.bind(address, false);
    } catch (const Poco::Exception& e) {
        throw log::listen_error(address.host().toString(), address.port(), "NOTIFY, UDP", e);
    }
    socket_->socket.setReceiveTimeout(kPollInterval);
}

NotifyListener::~NotifyListener() { stop(); }

std::uint16_t NotifyListener::port() const { return socket_->socket.address().port(); }

void NotifyListener::start() {
    thread_ = std::thread([this] {
        core::name_this_thread("notify");
        run();
    });
}

void NotifyListener::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
}

void NotifyListener::run() {
    auto& metrics = metrics::gateway_metrics();
    std::vector<std::uint8_t> buffer(kMaxNotifyBytes);
    // Twice the fudge: a message is accepted from fudge before its time signed to fudge after.
    NotifyReplays replays(std::chrono::seconds(2 * kTsigFudgeSeconds), kMaxRemembered);
    while (!stopping_) {
        Poco::Net::SocketAddress sender;
        int size = 0;
        try {
            size = socket_->socket.receiveFrom(buffer.data(), static_cast<int>(buffer.size()), sender);
        } catch (const Poco::TimeoutException&) {
            continue;
        } catch (const Poco::Exception& e) {
            log::warning("NOTIFY listener: " + e.displayText());
            continue;
        }
        if (size <= 0) continue;
        const std::span<const std::uint8_t> wire(buffer.data(), static_cast<std::size_t>(size));
        ldns_pkt* raw = nullptr;
        if (ldns_wire2pkt(&raw, wire.data(), wire.size()) != LDNS_STATUS_OK || !raw) {
            metrics.notifies.with({"malformed"}).add();
            continue;
        }
        PktPtr pkt(raw);
        const auto notify = notify_of(pkt.get());
        if (!notify) {
            metrics.notifies.with({"malformed"}).add();
            continue;
        }
        const Rfc2136Client& primary = primaries_.for_name(notify->zone);
        const TsigVerification tsig = tsig_verify_reply(pkt.get(), wire, primary.key(), nullptr); // a request: no prior MAC
        if (!tsig.ok()) {
            // Not answered: the sender is not our primary, or its key is not ours. Debug only, so
            // a flood from elsewhere cannot fill the log.
            metrics.notifies.with({"unverified"}).add();
            log::debug("NOTIFY for " + notify->zone + " from " + sender.toString() + " ignored: " + tsig.detail);
            continue;
        }
        // Acknowledged either way (a primary whose acknowledgement was lost sends the same message
        // again), acted on once.
        const ldns_rdf* mac = tsig_mac(pkt.get());
        const bool replayed =
            mac && !replays.first(std::string(reinterpret_cast<const char*>(ldns_rdf_data(mac)), ldns_rdf_size(mac)));
        metrics.notifies.with({replayed ? "replayed" : "accepted"}).add();
        try {
            const auto answer = acknowledgement(pkt.get(), primary.key());
            socket_->socket.sendTo(answer.data(), static_cast<int>(answer.size()), sender);
        } catch (const std::exception& e) {
            log::warning("NOTIFY for " + notify->zone + ": cannot answer " + sender.toString() + ": " + e.what());
        }
        if (!replayed) notified_(notify->zone, notify->serial);
    }
}

} // namespace dyndns::dns
