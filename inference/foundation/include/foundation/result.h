// Expected failures as values: Result<T> holds either a T or an Error with a one-line message a
// user can act on and a code a program can act on (offer to move a damaged file aside, say the
// disk is full). Library code returns these instead of throwing across module boundaries or
// exiting. One type for the engine and the store.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace confidant {

enum class ErrorCode {
    Failed,        // anything without a more specific code
    NotFound,      // no file/database at the path, or no conversation/message with that id
    NotADatabase,  // the file is not an SQLite database (or not Confidant's)
    Corrupt,       // a database whose content is damaged
    TooNew,        // written by a newer Confidant: refused, nothing touched
    ReadOnly,      // the file or its folder cannot be written
    DiskFull,      // the disk (or the database's size limit) is full
    Busy,          // another connection held a lock past the busy timeout
    InvalidInput,  // a malformed file, an unknown format, a bad argument
    Io,            // an operating-system error reading or writing a file
    Exists,        // the file to create is already there (nothing was replaced)
    TooLarge,      // an input over one of the documented limits (docs/limits.md)
};

struct Error {
    std::string message;
    ErrorCode code = ErrorCode::Failed;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_value(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_value); }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<T>(m_value); }
    const T& value() const& { assert(ok()); return std::get<T>(m_value); }
    T&& value() && { assert(ok()); return std::get<T>(std::move(m_value)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { assert(!ok()); return std::get<Error>(m_value); }

private:
    std::variant<T, Error> m_value;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { assert(m_failed); return m_error; }

private:
    Error m_error;
    bool m_failed = false;
};

inline Error makeError(std::string message) { return Error{std::move(message)}; }
inline Error makeError(ErrorCode code, std::string message) { return Error{std::move(message), code}; }

}  // namespace confidant

// Propagates a failed Result<...> from an expression as the enclosing function's Error.
#define CONFIDANT_TRY(expr)                                           \
    do {                                                              \
        auto confidantTryResult_ = (expr);                            \
        if (!confidantTryResult_) return confidantTryResult_.error(); \
    } while (false)
