// The control panel's one stylesheet, served at /panel/style.css.
#pragma once

namespace dyndns::panel {

const char* stylesheet();

} // namespace dyndns::panel
