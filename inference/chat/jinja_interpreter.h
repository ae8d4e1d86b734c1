// The tree-walking evaluator behind Template::render, and the builtin filters, tests and methods
// it dispatches to (jinja_builtins.cpp). Internal to the chat module.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/jinja.h"
#include "chat/jinja_ast.h"

namespace confidant::inference::jinja {

class Scope {
public:
    explicit Scope(Scope* parent) : m_parent(parent) {}
    Value* find(std::string_view name);
    void set(std::string name, Value value);

private:
    Scope* m_parent;
    std::vector<std::pair<std::string, Value>> m_vars;
};

class Interpreter {
public:
    Interpreter(const RenderLimits& limits, const Variables& variables);
    ~Interpreter();  // empties the namespaces it made, so that one containing itself is freed
    Interpreter(const Interpreter&) = delete;
    Interpreter& operator=(const Interpreter&) = delete;
    std::string run(const Body& body);

    // Used by the builtins.
    const RenderLimits& limits() const { return m_limits; }
    void checkSize(size_t bytes) const;
    // Fails when the lists and dicts made by this render hold more than limits().maxMemoryBytes,
    // or would with `plannedBytes` more.
    void checkMemory(uint64_t plannedBytes = 0) const;
    Value getAttribute(const Value& object, const std::string& name);
    Value getItem(const Value& object, const Value& key);
    Value call(const Value& callee, const CallArgs& args);
    Value applyFilter(const std::string& name, const Value& input, const CallArgs& args);
    bool applyTest(const std::string& name, const Value& input, const CallArgs& args);
    void countIteration();
    // Fails once the render has run past limits().maxRenderTime (the clock is read every few
    // thousand calls, so this is cheap enough for every evaluation step).
    void checkTime();

private:
    enum class Flow { Normal, Break, Continue };
    struct DepthGuard;

    Flow execBody(const Body& body);
    Flow exec(const Stmt& stmt);
    Flow execFor(const Stmt& stmt);
    void execSet(const Stmt& stmt);
    Value eval(const Expr& expr);
    Value evalInner(const Expr& expr);
    Value evalBinary(const std::string& op, const Value& left, const Value& right);
    bool compare(const std::string& op, const Value& left, const Value& right);
    CallArgs evalArgs(const Expr& expr, size_t firstArg);
    Value callMacro(const Stmt& macro, const CallArgs& args);
    std::string capture(const Body& body);
    void write(std::string_view text);

    const RenderLimits& m_limits;
    Scope m_globals{nullptr};
    Scope m_root{&m_globals};
    Scope* m_scope = &m_root;
    std::string* m_out = nullptr;
    int m_depth = 0;
    int m_callDepth = 0;
    uint64_t m_iterations = 0;
    uint32_t m_stepsSinceClockRead = 0;
    std::chrono::steady_clock::time_point m_deadline;
    int64_t m_heldAtStart = 0;        // heldContainerBytes() before the render
    std::vector<Value> m_namespaces;  // made by namespace(); emptied at the end
};

// Builtins (jinja_builtins.cpp). Each throws TemplateFailure on misuse.
bool hasFilter(const std::string& name);
Value runFilter(Interpreter& in, const std::string& name, const Value& input, const CallArgs& args);
bool hasTest(const std::string& name);
bool runTest(Interpreter& in, const std::string& name, const Value& input, const CallArgs& args);
// A bound method of a builtin type (str.strip, dict.items, ...), or undefined when there is none.
Value boundMethod(Interpreter& in, const Value& object, const std::string& name);
// Python iteration: list items, dict keys, string characters; undefined iterates as empty.
std::vector<Value> iterate(const Value& value);
// Python ordering for sort/min/max and < > comparisons; throws on unorderable types.
int compareValues(const Value& a, const Value& b, bool caseSensitive = true);
// Python's `in`.
bool containsValue(const Value& container, const Value& item);
// [start:stop:step] on a list, tuple or string.
Value sliceValue(const Value& object, const Value& start, const Value& stop, const Value& step);
[[noreturn]] void failUndefined(const Value& undefined);

}  // namespace confidant::inference::jinja
