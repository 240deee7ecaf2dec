// Unique names from the process id and a random number; created with create_directory so two tests never share one.
#include "support/temp_dir.h"

#include <fstream>
#include <random>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace dyndns::test {

TempDir::TempDir(const std::string& prefix) {
    std::random_device random;
    for (int attempt = 0; attempt < 20; ++attempt) {
        const auto candidate =
            std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
        if (std::filesystem::create_directory(candidate)) {
            path_ = candidate;
            return;
        }
    }
    throw std::runtime_error("cannot create a temp dir for " + prefix);
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& relative, const std::string& text) const {
    const auto target = path_ / relative;
    std::filesystem::create_directories(target.parent_path());
    std::ofstream(target, std::ios::binary) << text;
    return target.string();
}

} // namespace dyndns::test
