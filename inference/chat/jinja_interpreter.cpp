// Evaluation of a parsed template with Jinja2's semantics: scopes (a for body is a fresh scope
// each iteration, `if` is not a scope, macros see the template's top level), undefined values
// that print as nothing but fail when used, and loop objects.
#include "chat/jinja_interpreter.h"

#include <algorithm>
#include <cmath>
#include <new>
#include <stdexcept>
#include <limits>

#include "chat/jinja_lexer.h"
#include "chat/jinja_parser.h"
#include "chat/jinja_text.h"

namespace confidant::inference::jinja {

Value* Scope::find(std::string_view name) {
    for (Scope* s = this; s; s = s->m_parent)
        for (auto& [k, v] : s->m_vars)
            if (k == name) return &v;
    return nullptr;
}

void Scope::set(std::string name, Value value) {
    for (auto& [k, v] : m_vars) {
        if (k == name) {
            v = std::move(value);
            return;
        }
    }
    m_vars.emplace_back(std::move(name), std::move(value));
}

struct Interpreter::DepthGuard {
    Interpreter& in;
    explicit DepthGuard(Interpreter& interpreter) : in(interpreter) {
        in.checkTime();
        if (++in.m_depth > in.m_limits.maxEvalDepth)
            fail("the template nests evaluation deeper than " + std::to_string(in.m_limits.maxEvalDepth) +
                     " levels (endless recursion?)",
                 FailureKind::Limit);
    }
    ~DepthGuard() { --in.m_depth; }
};

[[noreturn]] void failUndefined(const Value& undefined) {
    const std::string& hint = undefined.undefinedHint();
    fail(hint.empty() ? "an undefined value was used" : hint);
}

namespace {

Value makeRange(const CallArgs& args, uint64_t maxLength) {
    int64_t start = 0, stop = 0, step = 1;
    for (const auto& a : args.positional)
        if (!a.isInt()) fail("range() arguments must be integers, not " + a.typeName());
    if (args.positional.size() == 1) {
        stop = args.positional[0].asInt();
    } else if (args.positional.size() == 2 || args.positional.size() == 3) {
        start = args.positional[0].asInt();
        stop = args.positional[1].asInt();
        if (args.positional.size() == 3) step = args.positional[2].asInt();
    } else {
        fail("range() takes one to three arguments");
    }
    if (step == 0) fail("range() arg 3 must not be zero");
    const double count = std::max(0.0, std::ceil((double(stop) - double(start)) / double(step)));
    if (count > double(maxLength))
        fail("range() of " + std::to_string(uint64_t(count)) + " items exceeds the limit of " + std::to_string(maxLength),
             FailureKind::Limit);
    std::vector<Value> items;
    items.reserve(size_t(count));
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) items.emplace_back(i);
    return Value::list(std::move(items));
}

Value makeNamespace(const CallArgs& args) {
    Value ns = Value::dict();
    ns.asDict().isNamespace = true;
    for (const auto& a : args.positional) {
        if (!a.isDict()) fail("namespace() takes a mapping or keyword arguments");
        for (const auto& [k, v] : a.asDict().items) ns.asDict().set(k, v);
    }
    for (const auto& [k, v] : args.named) ns.asDict().set(Value(k), v);
    return ns;
}

bool checkedAdd(int64_t a, int64_t b, int64_t& out) { return !__builtin_add_overflow(a, b, &out); }
bool checkedSub(int64_t a, int64_t b, int64_t& out) { return !__builtin_sub_overflow(a, b, &out); }
bool checkedMul(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out); }

int64_t floorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

double floorMod(double a, double b) {
    double m = std::fmod(a, b);
    if (m != 0 && ((m < 0) != (b < 0))) m += b;
    return m;
}

}  // namespace

Interpreter::Interpreter(const RenderLimits& limits, const Variables& variables)
    : m_limits(limits), m_deadline(std::chrono::steady_clock::now() + limits.maxRenderTime),
      m_heldAtStart(heldContainerBytes()) {
    const uint64_t maxRange = limits.maxRangeLength;
    m_globals.set("range", Value::function([maxRange](const CallArgs& a) { return makeRange(a, maxRange); }));
    m_globals.set("namespace", Value::function([this](const CallArgs& a) {
        Value ns = makeNamespace(a);
        m_namespaces.push_back(ns);
        return ns;
    }));
    m_globals.set("dict", Value::function([](const CallArgs& a) {
        Value d = Value::dict();
        for (const auto& [k, v] : a.named) d.asDict().set(Value(k), v);
        return d;
    }));
    for (const auto& [name, value] : variables) m_globals.set(name, value);
}

Interpreter::~Interpreter() {
    for (Value& ns : m_namespaces) ns.asDict().clear();
}

void Interpreter::checkMemory(uint64_t plannedBytes) const {
    const int64_t held = std::max<int64_t>(0, heldContainerBytes() - m_heldAtStart);
    if (plannedBytes > m_limits.maxMemoryBytes || uint64_t(held) + plannedBytes > m_limits.maxMemoryBytes)
        fail("the template would hold more than " + std::to_string(m_limits.maxMemoryBytes >> 20) +
                 " MiB in lists and dicts (the limit of a render)",
             FailureKind::Limit);
}

std::string Interpreter::run(const Body& body) {
    std::string out;
    m_out = &out;
    execBody(body);
    return out;
}

void Interpreter::checkSize(size_t bytes) const {
    if (bytes > m_limits.maxOutputBytes)
        fail("the output grew past the limit of " + std::to_string(m_limits.maxOutputBytes) + " bytes",
             FailureKind::Limit);
}

void Interpreter::write(std::string_view text) {
    checkSize(m_out->size() + text.size());
    m_out->append(text);
}

void Interpreter::checkTime() {
    if (++m_stepsSinceClockRead < 4096) return;
    m_stepsSinceClockRead = 0;
    if (std::chrono::steady_clock::now() > m_deadline)
        fail("the template ran longer than " + std::to_string(m_limits.maxRenderTime.count()) + " ms",
             FailureKind::Limit);
}

void Interpreter::countIteration() {
    checkTime();
    if (++m_iterations > m_limits.maxLoopIterations)
        fail("the template ran more than " + std::to_string(m_limits.maxLoopIterations) + " loop iterations",
             FailureKind::Limit);
}

std::string Interpreter::capture(const Body& body) {
    std::string buffer;
    std::string* saved = m_out;
    m_out = &buffer;
    try {
        execBody(body);
    } catch (...) {
        m_out = saved;
        throw;
    }
    m_out = saved;
    return buffer;
}

Interpreter::Flow Interpreter::execBody(const Body& body) {
    for (const auto& stmt : body) {
        const Flow flow = exec(*stmt);
        if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::exec(const Stmt& stmt) {
    DepthGuard guard(*this);
    try {
        switch (stmt.kind) {
            case StmtKind::Text: write(stmt.text); return Flow::Normal;
            case StmtKind::Output: {
                const Value v = eval(*stmt.expr);
                write(v.str());
                return Flow::Normal;
            }
            case StmtKind::If:
                for (const auto& [condition, body] : stmt.branches)
                    if (eval(*condition).truthy()) return execBody(body);
                return execBody(stmt.elseBody);
            case StmtKind::For: return execFor(stmt);
            case StmtKind::Set: execSet(stmt); return Flow::Normal;
            case StmtKind::SetBlock: m_scope->set(stmt.targets[0], Value(capture(stmt.body))); return Flow::Normal;
            case StmtKind::Macro: {
                const Stmt* macro = &stmt;
                m_scope->set(stmt.targets[0], Value::function([this, macro](const CallArgs& a) { return callMacro(*macro, a); }));
                return Flow::Normal;
            }
            case StmtKind::Break: return Flow::Break;
            case StmtKind::Continue: return Flow::Continue;
            case StmtKind::FilterBlock: {
                Value v(capture(stmt.body));
                for (const auto& f : stmt.filters) v = applyFilter(f->name, v, evalArgs(*f, 1));
                write(v.str());
                return Flow::Normal;
            }
            case StmtKind::With: {
                Scope scope(m_scope);
                for (const auto& [name, expr] : stmt.assignments) scope.set(name, eval(*expr));
                Scope* saved = m_scope;
                m_scope = &scope;
                Flow flow;
                try {
                    flow = execBody(stmt.body);
                } catch (...) {
                    m_scope = saved;
                    throw;
                }
                m_scope = saved;
                return flow;
            }
            case StmtKind::Generation: return execBody(stmt.body);
        }
    } catch (TemplateFailure& f) {
        if (f.line == 0) {
            f.line = stmt.line;
            f.column = stmt.column;
        }
        throw;
    }
    return Flow::Normal;
}

namespace {

void bindTargets(Scope& scope, const std::vector<std::string>& targets, const Value& item) {
    if (targets.size() == 1) {
        scope.set(targets[0], item);
        return;
    }
    std::vector<Value> parts = iterate(item);
    if (item.isUndefined()) failUndefined(item);
    if (parts.size() != targets.size())
        fail(parts.size() > targets.size() ? "too many values to unpack (expected " + std::to_string(targets.size()) + ")"
                                           : "not enough values to unpack (expected " + std::to_string(targets.size()) +
                                                 ", got " + std::to_string(parts.size()) + ")");
    for (size_t i = 0; i < targets.size(); ++i) scope.set(targets[i], parts[i]);
}

}  // namespace

Interpreter::Flow Interpreter::execFor(const Stmt& stmt) {
    const Value iterable = eval(*stmt.expr);
    if (!(iterable.isUndefined() || iterable.isList() || iterable.isDict() || iterable.isString()))
        fail("'" + iterable.typeName() + "' object is not iterable");
    std::vector<Value> items = iterate(iterable);
    Scope* outer = m_scope;
    struct Restore {
        Interpreter& in;
        Scope* scope;
        ~Restore() { in.m_scope = scope; }
    } restore{*this, outer};

    if (stmt.condition) {
        std::vector<Value> kept;
        for (auto& item : items) {
            countIteration();
            Scope scope(outer);
            bindTargets(scope, stmt.targets, item);
            m_scope = &scope;
            const bool keep = eval(*stmt.condition).truthy();
            m_scope = outer;
            if (keep) kept.push_back(std::move(item));
        }
        items = std::move(kept);
    }
    // Jinja2 runs the else body unless some iteration reached the end of the loop body: a loop
    // left by break (or whose iterations all ended in continue) runs it too.
    bool runElse = true;
    const int64_t length = int64_t(items.size());
    for (int64_t i = 0; i < length; ++i) {
        countIteration();
        Scope scope(outer);
        bindTargets(scope, stmt.targets, items[size_t(i)]);
        Value loop = Value::dict();
        DictData& d = loop.asDict();
        d.set("index", Value(i + 1));
        d.set("index0", Value(i));
        d.set("revindex", Value(length - i));
        d.set("revindex0", Value(length - i - 1));
        d.set("first", Value(i == 0));
        d.set("last", Value(i == length - 1));
        d.set("length", Value(length));
        d.set("depth", Value(1));
        d.set("depth0", Value(0));
        if (i > 0) d.set("previtem", items[size_t(i - 1)]);
        if (i + 1 < length) d.set("nextitem", items[size_t(i + 1)]);
        d.set("cycle", Value::function([i](const CallArgs& a) {
            if (a.positional.empty()) fail("no items for cycling given");
            return a.positional[size_t(i) % a.positional.size()];
        }));
        scope.set("loop", loop);
        m_scope = &scope;
        const Flow flow = execBody(stmt.body);
        m_scope = outer;
        if (flow == Flow::Break) break;
        if (flow == Flow::Normal) runElse = false;
    }
    if (runElse && !stmt.elseBody.empty()) return execBody(stmt.elseBody);  // its break/continue belong to an outer loop
    return Flow::Normal;
}

void Interpreter::execSet(const Stmt& stmt) {
    Value value = eval(*stmt.expr);
    if (!stmt.attribute.empty()) {
        Value* ns = m_scope->find(stmt.targets[0]);
        if (!ns || !ns->isDict() || !ns->asDict().isNamespace)
            fail("cannot assign attribute on non-namespace object '" + stmt.targets[0] + "'");
        ns->asDict().set(Value(stmt.attribute), std::move(value));
        return;
    }
    if (stmt.targets.size() == 1) {
        m_scope->set(stmt.targets[0], std::move(value));
        return;
    }
    bindTargets(*m_scope, stmt.targets, value);
}

Value Interpreter::callMacro(const Stmt& macro, const CallArgs& args) {
    if (m_callDepth >= m_limits.maxCallDepth)
        fail("macro '" + macro.targets[0] + "' recursed more than " + std::to_string(m_limits.maxCallDepth) +
                 " calls deep (endless recursion?)",
             FailureKind::Limit);
    if (args.positional.size() > macro.params.size())
        fail("macro '" + macro.targets[0] + "' takes not more than " + std::to_string(macro.params.size()) +
             " argument(s)");
    Scope scope(&m_root);
    Scope* saved = m_scope;
    ++m_callDepth;
    struct Restore {
        Interpreter& in;
        Scope* scope;
        ~Restore() {
            in.m_scope = scope;
            --in.m_callDepth;
        }
    } restore{*this, saved};
    m_scope = &scope;
    for (size_t i = 0; i < macro.params.size(); ++i) {
        const std::string& param = macro.params[i];
        const Value* given = i < args.positional.size() ? &args.positional[i] : nullptr;
        for (const auto& [k, v] : args.named)
            if (k == param) given = &v;
        if (given) scope.set(param, *given);
        else if (macro.defaults[i]) scope.set(param, eval(*macro.defaults[i]));
        else scope.set(param, Value::undefined("parameter '" + param + "' was not provided"));
    }
    for (const auto& [k, v] : args.named) {
        bool known = false;
        for (const auto& p : macro.params) known = known || p == k;
        if (!known) fail("macro '" + macro.targets[0] + "' takes no keyword argument '" + k + "'");
    }
    return Value(capture(macro.body));
}

CallArgs Interpreter::evalArgs(const Expr& expr, size_t firstArg) {
    CallArgs args;
    for (size_t i = firstArg; i < expr.children.size(); ++i) args.positional.push_back(eval(*expr.children[i]));
    for (const auto& [k, v] : expr.kwargs) args.named.emplace_back(k, eval(*v));
    return args;
}

Value Interpreter::call(const Value& callee, const CallArgs& args) {
    if (callee.isUndefined()) failUndefined(callee);
    if (!callee.isCallable()) fail("'" + callee.typeName() + "' object is not callable");
    return callee.asFunction()(args);
}

Value Interpreter::applyFilter(const std::string& name, const Value& input, const CallArgs& args) {
    if (!hasFilter(name)) fail("no filter named '" + name + "'");
    return runFilter(*this, name, input, args);
}

bool Interpreter::applyTest(const std::string& name, const Value& input, const CallArgs& args) {
    if (!hasTest(name)) fail("no test named '" + name + "'");
    return runTest(*this, name, input, args);
}

Value Interpreter::getAttribute(const Value& object, const std::string& name) {
    if (object.isUndefined()) failUndefined(object);
    if (object.isDict()) {
        const DictData& d = object.asDict();
        if (!d.isNamespace) {
            Value method = boundMethod(*this, object, name);
            if (!method.isUndefined()) return method;
        }
        if (const Value* v = d.find(std::string_view(name))) return *v;
        return Value::undefined("'" + std::string(d.isNamespace ? "Namespace" : "dict") + " object' has no attribute '" +
                                name + "'");
    }
    Value method = boundMethod(*this, object, name);
    if (!method.isUndefined()) return method;
    // Jinja2's wording: "'None' has no attribute 'x'", "'str object' has no attribute 'x'".
    const std::string owner = object.isNone() ? "None" : object.typeName() + " object";
    return Value::undefined("'" + owner + "' has no attribute '" + name + "'");
}

Value Interpreter::getItem(const Value& object, const Value& key) {
    if (object.isUndefined()) failUndefined(object);
    if (object.isDict()) {
        if (const Value* v = object.asDict().find(key)) return *v;
        if (key.isString()) return getAttribute(object, key.asString());
        return Value::undefined("'dict object' has no attribute " + key.repr());
    }
    if ((object.isList() || object.isString()) && key.isInt()) {
        int64_t i = key.asInt();
        if (object.isList()) {
            const auto& items = object.asList().items;
            if (i < 0) i += int64_t(items.size());
            if (i >= 0 && i < int64_t(items.size())) return items[size_t(i)];
        } else {
            const std::u32string s = decodeUtf8(object.asString());
            if (i < 0) i += int64_t(s.size());
            if (i >= 0 && i < int64_t(s.size())) return Value(encodeUtf8(s.substr(size_t(i), 1)));
        }
        return Value::undefined(object.typeName() + " object has no element " + std::to_string(key.asInt()));
    }
    if (key.isString()) return getAttribute(object, key.asString());
    return Value::undefined((object.isNone() ? std::string("None") : object.typeName() + " object") + " has no element " +
                            key.repr());
}

Value Interpreter::eval(const Expr& expr) {
    DepthGuard guard(*this);
    try {
        Value v = evalInner(expr);
        if (v.nesting() > k_maxValueNesting)
            fail("a value nests deeper than " + std::to_string(k_maxValueNesting) + " levels", FailureKind::Limit);
        checkMemory();
        return v;
    } catch (TemplateFailure& f) {
        if (f.line == 0) {
            f.line = expr.line;
            f.column = expr.column;
        }
        throw;
    }
}

Value Interpreter::evalInner(const Expr& e) {
    switch (e.kind) {
        case ExprKind::Literal: return e.literal;
        case ExprKind::Name: {
            if (const Value* v = m_scope->find(e.name)) return *v;
            return Value::undefined("'" + e.name + "' is undefined");
        }
        case ExprKind::List:
        case ExprKind::Tuple: {
            std::vector<Value> items;
            for (const auto& c : e.children) items.push_back(eval(*c));
            return Value::list(std::move(items), e.kind == ExprKind::Tuple);
        }
        case ExprKind::Dict: {
            Value d = Value::dict();
            for (size_t i = 0; i + 1 < e.children.size(); i += 2) {
                Value key = eval(*e.children[i]);
                if (key.isList() && !key.asList().tuple) fail("unhashable type: 'list'");
                if (key.isDict()) fail("unhashable type: 'dict'");
                d.asDict().set(std::move(key), eval(*e.children[i + 1]));
            }
            return d;
        }
        case ExprKind::GetAttr: return getAttribute(eval(*e.children[0]), e.name);
        case ExprKind::GetItem: {
            const Value object = eval(*e.children[0]);
            return getItem(object, eval(*e.children[1]));
        }
        case ExprKind::Slice: {
            const Value object = eval(*e.children[0]);
            Value parts[3];
            for (int i = 0; i < 3; ++i)
                parts[i] = e.children[size_t(i) + 1] ? eval(*e.children[size_t(i) + 1]) : Value(nullptr);
            return sliceValue(object, parts[0], parts[1], parts[2]);
        }
        case ExprKind::Call: {
            const Value callee = eval(*e.children[0]);
            return call(callee, evalArgs(e, 1));
        }
        case ExprKind::Filter: {
            const Value input = eval(*e.children[0]);
            return applyFilter(e.name, input, evalArgs(e, 1));
        }
        case ExprKind::Test: {
            if (!hasTest(e.name)) fail("no test named '" + e.name + "'");
            const Value input = eval(*e.children[0]);
            return Value(applyTest(e.name, input, evalArgs(e, 1)) != e.negated);
        }
        case ExprKind::Negative:
        case ExprKind::Positive: {
            const Value v = eval(*e.children[0]);
            if (v.isUndefined()) failUndefined(v);
            if (!v.isNumber()) fail("bad operand type for unary " + std::string(e.kind == ExprKind::Negative ? "-" : "+") + ": '" + v.typeName() + "'");
            if (e.kind == ExprKind::Positive) return v.isFloat() ? v : Value(v.asInt());
            if (v.isFloat()) return Value(-v.asDouble());
            if (v.asInt() == std::numeric_limits<int64_t>::min()) fail("integer overflow");
            return Value(-v.asInt());
        }
        case ExprKind::Not: return Value(!eval(*e.children[0]).truthy());
        case ExprKind::And: {
            Value left = eval(*e.children[0]);
            return left.truthy() ? eval(*e.children[1]) : left;
        }
        case ExprKind::Or: {
            Value left = eval(*e.children[0]);
            return left.truthy() ? left : eval(*e.children[1]);
        }
        case ExprKind::Binary: {
            const Value left = eval(*e.children[0]);
            const Value right = eval(*e.children[1]);
            return evalBinary(e.name, left, right);
        }
        case ExprKind::Compare: {
            Value left = eval(*e.children[0]);
            for (size_t i = 0; i < e.ops.size(); ++i) {
                Value right = eval(*e.children[i + 1]);
                if (!compare(e.ops[i], left, right)) return Value(false);
                left = std::move(right);
            }
            return Value(true);
        }
        case ExprKind::Conditional: {
            if (eval(*e.children[0]).truthy()) return eval(*e.children[1]);
            if (e.children[2]) return eval(*e.children[2]);
            return Value::undefined("the inline if-expression evaluated to false and has no else section");
        }
    }
    fail("unknown expression");
}

bool Interpreter::compare(const std::string& op, const Value& left, const Value& right) {
    if (op == "==") return left.equals(right);
    if (op == "!=") return !left.equals(right);
    if (op == "in") return containsValue(right, left);
    if (op == "not in") return !containsValue(right, left);
    if (left.isUndefined()) failUndefined(left);
    if (right.isUndefined()) failUndefined(right);
    const int c = compareValues(left, right);
    if (op == "<") return c < 0;
    if (op == "<=") return c <= 0;
    if (op == ">") return c > 0;
    return c >= 0;
}

Value Interpreter::evalBinary(const std::string& op, const Value& left, const Value& right) {
    if (op == "~") {
        std::string s = left.str() + right.str();
        checkSize(s.size());
        return Value(std::move(s));
    }
    if (left.isUndefined()) failUndefined(left);
    if (right.isUndefined()) failUndefined(right);
    const auto unsupported = [&]() -> Value {
        fail("unsupported operand type(s) for " + op + ": '" + left.typeName() + "' and '" + right.typeName() + "'");
    };
    if (left.isNumber() && right.isNumber()) {
        const bool useFloat = left.isFloat() || right.isFloat();
        if (op == "+" || op == "-" || op == "*") {
            if (useFloat) {
                const double a = left.asDouble(), b = right.asDouble();
                return Value(op == "+" ? a + b : op == "-" ? a - b : a * b);
            }
            int64_t r;
            const bool ok = op == "+" ? checkedAdd(left.asInt(), right.asInt(), r)
                          : op == "-" ? checkedSub(left.asInt(), right.asInt(), r)
                                      : checkedMul(left.asInt(), right.asInt(), r);
            if (!ok) fail("integer overflow in '" + op + "'");
            return Value(r);
        }
        if (op == "/") {
            if (right.asDouble() == 0) fail("division by zero");
            return Value(left.asDouble() / right.asDouble());
        }
        if (op == "//" || op == "%") {
            if (right.asDouble() == 0) fail(op == "//" ? "integer division or modulo by zero" : "modulo by zero");
            if (useFloat) {
                const double a = left.asDouble(), b = right.asDouble();
                return op == "//" ? Value(std::floor(a / b)) : Value(floorMod(a, b));
            }
            const int64_t a = left.asInt(), b = right.asInt();
            if (a == std::numeric_limits<int64_t>::min() && b == -1) fail("integer overflow");
            const int64_t q = floorDiv(a, b);
            return op == "//" ? Value(q) : Value(a - q * b);
        }
        if (op == "**") {
            if (!useFloat && right.asInt() >= 0) {
                int64_t r = 1, base = left.asInt();
                for (int64_t i = 0; i < right.asInt(); ++i)
                    if (!checkedMul(r, base, r)) fail("integer overflow in '**'");
                return Value(r);
            }
            if (left.asDouble() == 0 && right.asDouble() < 0) fail("0.0 cannot be raised to a negative power");
            if (left.asDouble() < 0 && right.asDouble() != std::floor(right.asDouble()))
                fail("a negative number raised to a fractional power is complex, which templates do not support");
            return Value(std::pow(left.asDouble(), right.asDouble()));
        }
        return unsupported();
    }
    if (op == "+") {
        if (left.isString() && right.isString()) {
            checkSize(left.asString().size() + right.asString().size());
            return Value(left.asString() + right.asString());
        }
        if (left.isList() && right.isList()) {
            checkMemory(uint64_t(left.asList().accountedBytes) + uint64_t(right.asList().accountedBytes));
            std::vector<Value> items = left.asList().items;
            items.insert(items.end(), right.asList().items.begin(), right.asList().items.end());
            checkSize(items.size());
            return Value::list(std::move(items), left.asList().tuple);
        }
        if (left.isString()) fail("can only concatenate str (not \"" + right.typeName() + "\") to str");
        return unsupported();
    }
    if (op == "*") {
        const Value* seq = left.isInt() ? &right : &left;
        const Value* count = left.isInt() ? &left : &right;
        if (!count->isInt() || !(seq->isString() || seq->isList())) return unsupported();
        const int64_t n = std::max<int64_t>(0, count->asInt());
        if (seq->isString()) {
            const double bytes = double(seq->asString().size()) * double(n);
            checkSize(bytes > 1e18 ? std::numeric_limits<size_t>::max() : size_t(bytes));
            if (seq->asString().size() == 1) return Value(std::string(size_t(n), seq->asString()[0]));
            std::string out;
            out.reserve(size_t(bytes));
            for (int64_t i = 0; i < n; ++i) {
                checkTime();
                out += seq->asString();
            }
            return Value(std::move(out));
        }
        const double total = double(seq->asList().items.size()) * double(n);
        checkSize(total > 1e18 ? std::numeric_limits<size_t>::max() : size_t(total));
        // What the copies will hold: every slot and every string in them, n times.
        const double planned = double(seq->asList().accountedBytes) * double(n);
        checkMemory(planned > 1e18 ? std::numeric_limits<uint64_t>::max() : uint64_t(planned));
        std::vector<Value> items;
        for (int64_t i = 0; i < n; ++i) {
            checkTime();
            items.insert(items.end(), seq->asList().items.begin(), seq->asList().items.end());
        }
        return Value::list(std::move(items), seq->asList().tuple);
    }
    if (op == "%" && left.isString()) {
        CallArgs args;
        if (right.isList() && right.asList().tuple) args.positional = right.asList().items;
        else args.positional.push_back(right);
        return runFilter(*this, "format", left, args);
    }
    return unsupported();
}

std::string describeFailure(const TemplateFailure& failure) {
    if (failure.line <= 0) return failure.message;
    return "line " + std::to_string(failure.line) + ", column " + std::to_string(failure.column) + ": " + failure.message;
}

Result<Template> Template::parse(std::string_view source, const TemplateOptions& options) {
    try {
        LexOptions lex;
        lex.trimBlocks = options.trimBlocks;
        lex.lstripBlocks = options.lstripBlocks;
        lex.keepTrailingNewline = options.keepTrailingNewline;
        const std::vector<Token> tokens = tokenize(source, lex);
        Template t;
        t.m_body = std::make_shared<const Body>(parseTemplate(tokens, options.maxNesting));
        return t;
    } catch (const TemplateFailure& f) {
        return makeError("template syntax error at " + describeFailure(f));
    }
}

Result<std::string> Template::render(const Variables& variables, const RenderLimits& limits,
                                     TemplateFailure* failure) const {
    try {
        Interpreter interpreter(limits, variables);
        return interpreter.run(*m_body);
    } catch (const TemplateFailure& f) {
        if (failure) *failure = f;
        return makeError(describeFailure(f));
    } catch (const std::bad_alloc&) {
        // The limits bound what a render builds; this is the system running out regardless.
        const TemplateFailure f{FailureKind::Limit, "the template needed more memory than is available", 0, 0};
        if (failure) *failure = f;
        return makeError(f.message);
    } catch (const std::length_error&) {
        const TemplateFailure f{FailureKind::Limit, "the template built a string or list too long to hold", 0, 0};
        if (failure) *failure = f;
        return makeError(f.message);
    }
}

}  // namespace confidant::inference::jinja
