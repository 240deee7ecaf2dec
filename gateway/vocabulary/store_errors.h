// What the persistent state may throw, shared by the store that throws it and the core, front ends and CLI that catch it.
#pragma once

#include <stdexcept>

namespace dyndns::store {

// Everything the store refuses or fails at; what() is for the operator (no secret in it).
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A name or password the store never holds (bad syntax, too long): the caller's input.
class InvalidInput : public StoreError {
public:
    using StoreError::StoreError;
};

// The database itself failed (cannot open or connect, locked beyond the busy timeout, disk full,
// the server gone): what() starts "store: cannot …" and holds no password. Nothing was changed by
// the call that threw it.
class DatabaseError : public StoreError {
public:
    using StoreError::StoreError;
};

// Too many password verifications (argon2) under way already: this one was not started, and
// nothing was decided about the password. The caller may retry in a second.
class PasswordCheckBusy : public StoreError {
public:
    using StoreError::StoreError;
};

} // namespace dyndns::store
