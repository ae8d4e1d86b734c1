// How template failures travel inside the interpreter: a TemplateFailure exception that never leaves
// the module (Template::parse/render turn it into a Result) and carries the position it came from.
#pragma once

#include <string>

namespace confidant::inference::jinja {

enum class FailureKind {
    Syntax,     // the template text does not parse
    Runtime,    // an operation failed while rendering (unknown filter, type error, undefined use)
    Raised,     // the template called raise_exception(message)
    Limit,      // a guard stopped it: recursion depth, output size, loop iterations
};

struct TemplateFailure {
    FailureKind kind = FailureKind::Runtime;
    std::string message;
    int line = 0;  // 1-based; 0 until the interpreter knows where it happened
    int column = 0;
};

[[noreturn]] inline void fail(std::string message, FailureKind kind = FailureKind::Runtime) {
    throw TemplateFailure{kind, std::move(message), 0, 0};
}

}  // namespace confidant::inference::jinja
