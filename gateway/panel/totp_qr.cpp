// One SVG path of unit squares from libqrencode's module grid; no image file, nothing a URL could leak.
#include "panel/totp_qr.h"

#include <memory>
#include <sstream>
#include <stdexcept>

#include <qrencode.h>

#include "panel/html_text.h"
#include "vocabulary/free_deleter.h"

namespace dyndns::panel {
namespace {

using QrCode = std::unique_ptr<QRcode, Free<&QRcode_free>>;
constexpr int kQuietZone = 4; // modules of white around the code (ISO/IEC 18004 §6.3.8)

} // namespace

std::string qr_svg(const std::string& text, const std::string& label) {
    const QrCode code(QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!code) throw std::runtime_error("the text does not fit a QR code");
    const int width = code->width;
    const int size = width + 2 * kQuietZone;
    std::ostringstream out;
    out << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" role=\"img\" aria-label=\"" << html(label)
        << "\" viewBox=\"0 0 " << size << ' ' << size << "\" width=\"" << size * 5 << "\" height=\"" << size * 5
        << "\" shape-rendering=\"crispEdges\"><rect width=\"" << size << "\" height=\"" << size
        << "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
    for (int y = 0; y < width; ++y)
        for (int x = 0; x < width; ++x)
            // libqrencode: bit 0 of each byte is the module's colour (1 dark).
            if (code->data[y * width + x] & 1) out << 'M' << x + kQuietZone << ' ' << y + kQuietZone << "h1v1h-1z";
    out << "\"/></svg>";
    return out.str();
}

} // namespace dyndns::panel
