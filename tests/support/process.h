// Runs a command to completion and captures its output, for tests that drive real tools (dig, scripts).
#pragma once

#include <string>
#include <vector>

namespace dyndns::test {

struct ProcessResult {
    int exit_code = -1;
    std::string output; // stdout and stderr, interleaved
};

// Runs `program` with `args` (no shell), waits for it, returns its exit code and output.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args);

} // namespace dyndns::test
