// A QR code (libqrencode) as an inline SVG element: the enrolment page's otpauth URI, drawn in the page itself.
#pragma once

#include <string>

namespace dyndns::panel {

// An <svg> (role img, named by `label`) of `text` as a QR code, error correction M, with its quiet
// zone. Inline, so what it holds (a TOTP secret) is never fetched from a URL. Throws
// std::runtime_error when the text does not fit a QR code.
std::string qr_svg(const std::string& text, const std::string& label);

} // namespace dyndns::panel
