// Runs external tools for tests through Poco::Process, with their output captured.
#include "support/process.h"

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

namespace dyndns::test {

ProcessResult run_process(const std::string& program, const std::vector<std::string>& args) {
    Poco::Pipe out;
    Poco::ProcessHandle handle = Poco::Process::launch(program, args, nullptr, &out, &out);
    Poco::PipeInputStream stream(out);
    ProcessResult result;
    Poco::StreamCopier::copyToString(stream, result.output);
    result.exit_code = handle.wait();
    return result;
}

} // namespace dyndns::test
