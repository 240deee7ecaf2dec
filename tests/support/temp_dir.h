// A fresh directory per test under the system temp dir, so tests run in parallel (ctest -j) and leave nothing behind.
#pragma once

#include <filesystem>
#include <string>

namespace dyndns::test {

class TempDir {
public:
    // `prefix` names the directory ("store-test-…") for whoever finds one left by a crash.
    explicit TempDir(const std::string& prefix = "dyndns-test");
    ~TempDir(); // removes the directory and everything in it
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // path()/relative as a string.
    std::string file(const std::string& relative) const { return (path_ / relative).string(); }
    // Writes `text` to path()/relative (creating directories on the way); returns its path.
    std::string write(const std::string& relative, const std::string& text) const;

private:
    std::filesystem::path path_;
};

} // namespace dyndns::test
