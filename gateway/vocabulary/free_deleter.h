// The one deleter type for C handles held in std::unique_ptr (ldns, OpenSSL, libpq).
#pragma once

namespace dyndns {

// A type rather than decltype(&fn): it costs no storage in the unique_ptr and can never be null.
// Usage: std::unique_ptr<ldns_pkt, Free<&ldns_pkt_free>>.
template <auto FreeFn>
struct Free {
    template <class T>
    void operator()(T* p) const noexcept {
        FreeFn(p);
    }
};

} // namespace dyndns
