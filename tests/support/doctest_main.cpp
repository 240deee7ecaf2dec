// doctest's main(), compiled once for all test programs: a run in which no test case matched fails, because
// CMake splits a test name at ';' into ctest entries that match nothing and would otherwise pass.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <iostream>

namespace {

// How many test cases the last run selected; doctest reports it only to reporters.
unsigned test_cases_selected = 0;

struct SelectedTestCaseCounter : doctest::IReporter {
    explicit SelectedTestCaseCounter(const doctest::ContextOptions&) {}
    void test_run_end(const doctest::TestRunStats& stats) override { test_cases_selected = stats.numTestCasesPassingFilters; }
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_case_start(const doctest::TestCaseData&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
};

} // namespace

DOCTEST_REGISTER_LISTENER("selected-test-case-counter", 1, SelectedTestCaseCounter);

int main(int argc, char** argv) {
    doctest::Context context(argc, argv);
    const int result = context.run();
    if (context.shouldExit()) return result; // a query (--list-test-cases, --help): nothing was meant to run
    if (test_cases_selected == 0) {
        std::cerr << "[doctest] no test case matched the filters: a test that runs nothing asserts nothing "
                     "(a ';' in a TEST_CASE name splits it into ctest entries that match none)\n";
        return result == 0 ? 1 : result;
    }
    return result;
}
