// Password entry without echo (termios), so a password never lands on the screen, in shell history or in argv.
#include "app/password_input.h"

#include <iostream>

#include <termios.h>
#include <unistd.h>

namespace dyndns::app {
namespace {

std::optional<std::string> read_line_quietly(const std::string& prompt) {
    std::cerr << prompt << std::flush;
    termios saved{};
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << '\n';
    if (!got) return std::nullopt;
    return line;
}

} // namespace

std::optional<std::string> read_new_password(const std::string& account) {
    if (isatty(STDIN_FILENO)) {
        const auto first = read_line_quietly("new password for " + account + ": ");
        const auto second = read_line_quietly("again: ");
        if (!first || !second || *first != *second) {
            std::cerr << "dyndnsctl: the two passwords differ\n";
            return std::nullopt;
        }
        return first;
    }
    std::string line;
    if (!std::getline(std::cin, line)) {
        std::cerr << "dyndnsctl: no password on standard input\n";
        return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

} // namespace dyndns::app
