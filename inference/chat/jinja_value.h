// The values a chat template computes with, modelled on the Python objects Jinja2 sees: undefined,
// none, bool, int, float, str, list/tuple, dict/namespace and callables. Lists and dicts are shared
// by reference, as in Python, so that a namespace set inside a loop is seen outside it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace confidant::inference::jinja {

class Value;

// Values nested deeper than this (lists in lists, a namespace that contains itself) are refused
// when a render builds them, printed or compared: the walks over them recurse.
constexpr int k_maxValueNesting = 256;

// Bytes held by all lists and dicts alive on this thread: their item slots and the strings stored
// directly in them (nested containers count themselves). A render bounds what it adds
// (RenderLimits::maxMemoryBytes). Lists are immutable once built; dicts change only through set().
int64_t heldContainerBytes();

struct ListData {
    ListData(std::vector<Value> items, bool tuple);
    ~ListData();  // iterative: a value nested 200,000 deep must not recurse once per level
    ListData(const ListData&) = delete;
    ListData& operator=(const ListData&) = delete;

    std::vector<Value> items;
    bool tuple = false;  // prints as (a, b)
    int nesting = 1;     // 1 + the deepest item's nesting
    int64_t accountedBytes = 0;
};

// Keys keep their insertion order (Python dicts do, and tojson must reproduce it).
struct DictData {
    DictData() = default;
    ~DictData();
    DictData(const DictData&) = delete;
    DictData& operator=(const DictData&) = delete;

    std::vector<std::pair<Value, Value>> items;
    bool isNamespace = false;  // a namespace() object: attributes may be assigned with `set ns.x = ...`
    int nesting = 1;
    int64_t accountedBytes = 0;

    const Value* find(const Value& key) const;
    const Value* find(std::string_view key) const;
    void set(Value key, Value value);
    // Empties the dict without recursing into deep values (breaks a namespace's cycles).
    void clear();
};

struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string, Value>> named;
};

// Builtins report failures by throwing TemplateFailure (jinja_error.h); the renderer turns it into
// a Result before it leaves the module.
using Function = std::function<Value(const CallArgs&)>;

class Value {
public:
    struct Undefined {
        std::string hint;  // what a use of it reports, e.g. "'tools' is undefined"
    };

    Value() : m_data(Undefined{}) {}
    Value(std::nullptr_t) : m_data(nullptr) {}
    Value(bool b) : m_data(b) {}
    Value(int v) : m_data(int64_t(v)) {}
    Value(int64_t v) : m_data(v) {}
    Value(double v) : m_data(v) {}
    Value(std::string s) : m_data(std::move(s)) {}
    Value(std::string_view s) : m_data(std::string(s)) {}
    Value(const char* s) : m_data(std::string(s)) {}

    static Value undefined(std::string hint) { Value v; v.m_data = Undefined{std::move(hint)}; return v; }
    static Value list(std::vector<Value> items = {}, bool tuple = false);
    static Value dict();
    static Value function(Function f);

    bool isUndefined() const { return std::holds_alternative<Undefined>(m_data); }
    bool isNone() const { return std::holds_alternative<std::nullptr_t>(m_data); }
    bool isBool() const { return std::holds_alternative<bool>(m_data); }
    bool isInt() const { return std::holds_alternative<int64_t>(m_data) || isBool(); }  // Python: bool is an int
    bool isFloat() const { return std::holds_alternative<double>(m_data); }
    bool isNumber() const { return isInt() || isFloat(); }
    bool isString() const { return std::holds_alternative<std::string>(m_data); }
    bool isList() const { return std::holds_alternative<std::shared_ptr<ListData>>(m_data); }
    bool isDict() const { return std::holds_alternative<std::shared_ptr<DictData>>(m_data); }
    bool isCallable() const { return std::holds_alternative<std::shared_ptr<Function>>(m_data); }

    bool asBool() const { return std::get<bool>(m_data); }
    int64_t asInt() const { return isBool() ? int64_t(asBool()) : std::get<int64_t>(m_data); }
    double asDouble() const { return isFloat() ? std::get<double>(m_data) : double(asInt()); }
    const std::string& asString() const { return std::get<std::string>(m_data); }
    ListData& asList() const { return *std::get<std::shared_ptr<ListData>>(m_data); }
    DictData& asDict() const { return *std::get<std::shared_ptr<DictData>>(m_data); }
    const Function& asFunction() const { return *std::get<std::shared_ptr<Function>>(m_data); }
    const std::string& undefinedHint() const { return std::get<Undefined>(m_data).hint; }

    // 0 for scalars; for a list or dict, how deep it nests.
    int nesting() const;
    // Bytes this value costs inside a container: its slot and a string's characters.
    int64_t slotBytes() const;
    // Moves the items of a list or dict that only this value owns into `into`, so that the caller
    // can destroy a deep value level by level instead of recursively.
    void moveOutUniqueChildren(std::vector<Value>& into);

    bool truthy() const;
    std::string str() const;   // Python str(): what {{ value }} prints
    std::string repr() const;  // Python repr(): how it appears inside a printed list or dict
    std::string typeName() const;  // Python's type name, for error messages

    // Python ==, with 1 == 1.0 == True; lists and dicts compare by content.
    bool equals(const Value& other, int depth = 0) const;
    // JSON as Python's json.dumps writes it (Hugging Face's tojson passes ensure_ascii=False).
    // Throws TemplateFailure for values JSON lacks.
    struct JsonFormat {
        bool pretty = false;         // indent given: one item per line
        std::string indent;          // the indentation unit when pretty
        std::optional<std::string> itemSeparator;  // default: ", " on one line, "," when pretty
        std::string keySeparator = ": ";
        bool ensureAscii = false;    // escape non-ASCII characters as \uXXXX
        bool sortKeys = false;
    };
    std::string toJson(const JsonFormat& format) const;
    std::string toJson(int indent = -1) const;  // indent < 0: one line

private:
    std::string reprAt(int depth) const;
    using Storage = std::variant<Undefined, std::nullptr_t, bool, int64_t, double, std::string,
                                 std::shared_ptr<ListData>, std::shared_ptr<DictData>, std::shared_ptr<Function>>;
    Storage m_data;
};

// Python's repr() of a float: shortest round-trip digits, "1.0", "1e+20", "1.5e-07".
std::string formatPythonFloat(double value);

}  // namespace confidant::inference::jinja
