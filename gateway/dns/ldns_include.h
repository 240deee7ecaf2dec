// ldns's headers for C++: included so that ldns/common.h cannot turn bool, true and false into macros.
#pragma once

// ldns/common.h defines `bool`, `true` and `false` as macros unless __bool_true_false_are_defined
// is set, which breaks any standard header included after it (<optional>'s operator<=>, say).
// <stdbool.h> sets that guard and, in C++, defines nothing else.
#include <stdbool.h>

#include <ldns/ldns.h>
