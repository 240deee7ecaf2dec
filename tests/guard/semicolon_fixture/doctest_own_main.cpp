// doctest's own main(), which passes a run that matched no test case: the fixture's control.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
