// A Jinja2 interpreter of our own, sufficient for the chat templates models ship: parse a template
// once, render it many times with different variables. Rendering is guarded against endless
// recursion, runaway loops and oversized output. Thread-safe: a parsed Template is immutable.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/jinja_error.h"
#include "chat/jinja_value.h"
#include "result.h"

namespace confidant::inference::jinja {

struct Stmt;

struct TemplateOptions {
    bool trimBlocks = true;    // Hugging Face renders chat templates with both on
    bool lstripBlocks = true;
    bool keepTrailingNewline = false;  // Jinja2's default: one newline at the very end is dropped
    int maxNesting = 200;              // deeper blocks or expressions are refused at parse time
};

struct RenderLimits {
    size_t maxOutputBytes = size_t(16) << 20;  // the whole prompt, and any string built on the way
    // Lists and dicts a render holds at once (their slots and the strings in them), on top of the
    // variables it was given: `[s] * 1000` with a 16 MB string is refused before it is built.
    size_t maxMemoryBytes = size_t(64) << 20;
    int maxCallDepth = 100;                    // nested macro calls
    int maxEvalDepth = 500;  // nested statements and expressions being evaluated (needs about 0.5 MiB of stack)
    uint64_t maxLoopIterations = 10'000'000;   // all loop iterations of one render together
    uint64_t maxRangeLength = 1'000'000;       // range() results
    // Wall-clock time of one render: the counters above bound each kind of work, this bounds
    // their product (nested loops just under the iteration limit, slow builtins on big values).
    std::chrono::milliseconds maxRenderTime{2000};
};

using Variables = std::vector<std::pair<std::string, Value>>;

// "line 3, column 7: message" (or just the message when the position is unknown).
std::string describeFailure(const TemplateFailure& failure);

class Template {
public:
    // Errors name the line and column of the syntax problem.
    static Result<Template> parse(std::string_view source, const TemplateOptions& options = {});

    // Renders with `variables` on top of the builtins (range, namespace, dict). On failure the
    // Error's message is describeFailure()'s text; `failure`, when given, receives the details.
    Result<std::string> render(const Variables& variables, const RenderLimits& limits = {},
                               TemplateFailure* failure = nullptr) const;

private:
    std::shared_ptr<const std::vector<std::unique_ptr<Stmt>>> m_body;
};

}  // namespace confidant::inference::jinja
