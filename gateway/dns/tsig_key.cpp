// Reads BIND key files (the `key "name" { algorithm …; secret "…"; };` clauses tsig-keygen writes).
#include "dns/tsig_key.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <Poco/Base64Decoder.h>
#include <Poco/String.h>

namespace dyndns::dns {
namespace {

std::string without_trailing_dot(std::string name) {
    if (name.size() > 1 && name.back() == '.') name.pop_back();
    return name;
}

// One token of named.conf syntax: a quoted string, a bare word, or one of { } ;
struct Token {
    enum class Kind { Word, Quoted, Punct, End } kind;
    std::string text;
    int line;
};

// A tokenizer for the small part of named.conf grammar that key files use. No library
// parses named.conf; BIND's own parser is not available as a library on Debian.
class KeyFileLexer {
public:
    KeyFileLexer(const std::string& text, const std::string& origin) : text_(text), origin_(origin) {}

    Token next() {
        skip_space_and_comments();
        if (pos_ >= text_.size()) return {Token::Kind::End, "", line_};
        const char c = text_[pos_];
        if (c == '{' || c == '}' || c == ';') {
            ++pos_;
            return {Token::Kind::Punct, std::string(1, c), line_};
        }
        if (c == '"') return quoted();
        const std::size_t start = pos_;
        while (pos_ < text_.size() && !std::isspace(static_cast<unsigned char>(text_[pos_])) &&
               std::string_view("{};\"#").find(text_[pos_]) == std::string_view::npos && !starts_comment()) {
            ++pos_;
        }
        return {Token::Kind::Word, text_.substr(start, pos_ - start), line_};
    }

    [[noreturn]] void fail(int line, const std::string& what) const {
        throw KeyFileError(origin_ + ":" + std::to_string(line) + ": " + what);
    }

private:
    bool starts_comment() const {
        if (text_[pos_] == '#') return true;
        return text_[pos_] == '/' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == '/' || text_[pos_ + 1] == '*');
    }

    void skip_space_and_comments() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '\n') {
                ++line_;
                ++pos_;
            } else if (std::isspace(static_cast<unsigned char>(c)))
                ++pos_;
            else if (c == '#' || (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/')) {
                while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
            } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
                const int opened_at = line_;
                pos_ += 2;
                while (pos_ + 1 < text_.size() && !(text_[pos_] == '*' && text_[pos_ + 1] == '/')) {
                    if (text_[pos_] == '\n') ++line_;
                    ++pos_;
                }
                if (pos_ + 1 >= text_.size()) fail(opened_at, "unterminated /* comment");
                pos_ += 2;
            } else {
                return;
            }
        }
    }

    Token quoted() {
        const int opened_at = line_;
        ++pos_;
        std::string value;
        while (pos_ < text_.size() && text_[pos_] != '"') {
            if (text_[pos_] == '\n') fail(opened_at, "unterminated quoted string");
            if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
            value += text_[pos_++];
        }
        if (pos_ >= text_.size()) fail(opened_at, "unterminated quoted string");
        ++pos_;
        return {Token::Kind::Quoted, value, opened_at};
    }

    const std::string& text_;
    const std::string& origin_;
    std::size_t pos_ = 0;
    int line_ = 1;
};

std::optional<TsigAlgorithm> algorithm_from_name(const std::string& name) {
    const std::string n = Poco::toLower(without_trailing_dot(name));
    if (n == "hmac-sha256") return TsigAlgorithm::HmacSha256;
    if (n == "hmac-sha512") return TsigAlgorithm::HmacSha512;
    if (n == "hmac-sha1") return TsigAlgorithm::HmacSha1;
    return std::nullopt;
}

std::string unsupported_algorithm_reason(const std::string& name) {
    const std::string n = Poco::toLower(without_trailing_dot(name));
    if (n == "hmac-md5" || n == "hmac-md5.sig-alg.reg.int")
        return "TSIG algorithm '" + name +
               "' is not supported: hmac-md5 is obsolete; generate a new key with "
               "tsig-keygen -a hmac-sha256";
    if (n == "hmac-sha384")
        return "TSIG algorithm '" + name +
               "' is not supported: ldns 1.8 cannot sign with hmac-sha384; "
               "use hmac-sha256 or hmac-sha512";
    return "TSIG algorithm '" + name + "' is not supported (use hmac-sha256, hmac-sha512 or hmac-sha1)";
}

bool is_valid_base64_secret(const std::string& secret) {
    if (secret.empty()) return false;
    for (unsigned char c : secret)
        if (!(std::isalnum(c) || c == '+' || c == '/' || c == '=' || std::isspace(c))) return false;
    try {
        std::istringstream in(secret);
        Poco::Base64Decoder decoder(in);
        std::string decoded((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
        return !decoded.empty();
    } catch (const std::exception&) {
        return false;
    }
}

// A key clause as written, before the algorithm is checked: an unsupported algorithm
// matters only for the key the gateway is asked to use.
struct RawKey {
    std::string name;
    std::string algorithm;
    std::string secret;
    int line = 0;
};

// Messages quote key names and algorithms, never a word found out of place: in a damaged file
// that word may well be a pasted secret.
std::vector<RawKey> parse_raw_keys(const std::string& text, const std::string& origin) {
    KeyFileLexer lexer(text, origin);
    std::vector<RawKey> keys;
    auto expect_punct = [&](const char* p) {
        Token t = lexer.next();
        if (t.kind != Token::Kind::Punct || t.text != p)
            lexer.fail(t.line, std::string("expected '") + p + "'" + (t.kind == Token::Kind::End ? " before end of file" : ""));
    };
    for (Token t = lexer.next(); t.kind != Token::Kind::End; t = lexer.next()) {
        if (t.kind != Token::Kind::Word || Poco::toLower(t.text) != "key")
            lexer.fail(t.line, "expected a key clause (key \"name\" { algorithm …; secret \"…\"; };)");
        Token name = lexer.next();
        if (name.kind != Token::Kind::Word && name.kind != Token::Kind::Quoted)
            lexer.fail(name.line, "expected the key's name after 'key'");
        RawKey key{Poco::toLower(without_trailing_dot(name.text)), "", "", t.line};
        if (key.name.empty()) lexer.fail(name.line, "empty key name");
        expect_punct("{");
        for (Token field = lexer.next(); !(field.kind == Token::Kind::Punct && field.text == "}"); field = lexer.next()) {
            if (field.kind != Token::Kind::Word)
                lexer.fail(field.line, "expected 'algorithm' or 'secret' in key '" + key.name + "'");
            Token value = lexer.next();
            if (value.kind != Token::Kind::Word && value.kind != Token::Kind::Quoted)
                lexer.fail(value.line, "expected a value in key '" + key.name + "'");
            const std::string field_name = Poco::toLower(field.text);
            if (field_name == "algorithm")
                key.algorithm = value.text;
            else if (field_name == "secret")
                key.secret = value.text;
            else
                lexer.fail(field.line, "unknown statement in key '" + key.name + "' (only algorithm and secret are allowed)");
            expect_punct(";");
        }
        expect_punct(";");
        if (key.algorithm.empty()) lexer.fail(key.line, "key '" + key.name + "' has no algorithm");
        if (key.secret.empty()) lexer.fail(key.line, "key '" + key.name + "' has no secret");
        if (!is_valid_base64_secret(key.secret)) lexer.fail(key.line, "the secret of key '" + key.name + "' is not valid base64");
        keys.push_back(std::move(key));
    }
    return keys;
}

} // namespace

std::string algorithm_name(TsigAlgorithm algorithm) {
    switch (algorithm) {
    case TsigAlgorithm::HmacSha1: return "hmac-sha1";
    case TsigAlgorithm::HmacSha256: return "hmac-sha256";
    case TsigAlgorithm::HmacSha512: return "hmac-sha512";
    }
    return "unknown";
}

std::string algorithm_wire_name(TsigAlgorithm algorithm) { return algorithm_name(algorithm) + "."; }

std::vector<TsigKey> parse_key_file(const std::string& text, const std::string& origin) {
    std::vector<TsigKey> keys;
    for (RawKey& raw : parse_raw_keys(text, origin)) {
        const auto algorithm = algorithm_from_name(raw.algorithm);
        if (!algorithm)
            throw KeyFileError(origin + ":" + std::to_string(raw.line) + ": key '" + raw.name +
                               "': " + unsupported_algorithm_reason(raw.algorithm));
        keys.push_back(TsigKey{raw.name, *algorithm, std::move(raw.secret)});
    }
    return keys;
}

TsigKey load_key(const std::string& path, const std::string& key_name) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw KeyFileError(path + ": cannot read the key file (" + std::strerror(errno) + ")");
    std::ostringstream text;
    text << in.rdbuf();

    const std::string wanted = Poco::toLower(without_trailing_dot(key_name));
    for (RawKey& raw : parse_raw_keys(text.str(), path)) {
        if (raw.name != wanted) continue;
        const auto algorithm = algorithm_from_name(raw.algorithm);
        if (!algorithm)
            throw KeyFileError(path + ":" + std::to_string(raw.line) + ": key '" + raw.name +
                               "': " + unsupported_algorithm_reason(raw.algorithm));
        return TsigKey{raw.name, *algorithm, std::move(raw.secret)};
    }
    throw KeyNotFoundError(path + ": no key named '" + wanted + "' in the key file");
}

} // namespace dyndns::dns
