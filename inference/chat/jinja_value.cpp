// Python semantics of template values: truth, str() and repr(), equality, and json.dumps output.
#include "chat/jinja_value.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

#include "chat/jinja_error.h"
#include "chat/jinja_text.h"

namespace confidant::inference::jinja {
namespace {

thread_local int64_t t_heldContainerBytes = 0;

// Destroys values level by level: each one's uniquely owned children are moved out first.
void destroyIteratively(std::vector<Value>& pending) {
    while (!pending.empty()) {
        Value v = std::move(pending.back());
        pending.pop_back();
        v.moveOutUniqueChildren(pending);
    }
}

[[noreturn]] void failTooDeep() {
    fail("a value nests deeper than " + std::to_string(k_maxValueNesting) + " levels (or contains itself)",
         FailureKind::Limit);
}

}  // namespace

int64_t heldContainerBytes() { return t_heldContainerBytes; }

ListData::ListData(std::vector<Value> values, bool isTuple) : items(std::move(values)), tuple(isTuple) {
    accountedBytes = int64_t(items.capacity() * sizeof(Value));
    for (const Value& v : items) {
        accountedBytes += v.slotBytes() - int64_t(sizeof(Value));
        nesting = std::max(nesting, v.nesting() + 1);
    }
    t_heldContainerBytes += accountedBytes;
}

ListData::~ListData() {
    t_heldContainerBytes -= accountedBytes;
    std::vector<Value> pending = std::move(items);
    destroyIteratively(pending);
}

DictData::~DictData() {
    t_heldContainerBytes -= accountedBytes;
    clear();
}

void DictData::clear() {
    std::vector<Value> pending;
    pending.reserve(items.size() * 2);
    for (auto& [k, v] : items) {
        pending.push_back(std::move(k));
        pending.push_back(std::move(v));
    }
    items.clear();
    destroyIteratively(pending);
}

const Value* DictData::find(const Value& key) const {
    for (const auto& [k, v] : items)
        if (k.equals(key)) return &v;
    return nullptr;
}

const Value* DictData::find(std::string_view key) const {
    for (const auto& [k, v] : items)
        if (k.isString() && k.asString() == key) return &v;
    return nullptr;
}

void DictData::set(Value key, Value value) {
    nesting = std::max({nesting, key.nesting() + 1, std::min(value.nesting(), k_maxValueNesting) + 1});
    for (auto& [k, v] : items) {
        if (k.equals(key)) {
            const int64_t change = value.slotBytes() - v.slotBytes();
            accountedBytes += change;
            t_heldContainerBytes += change;
            Value old = std::exchange(v, std::move(value));
            std::vector<Value> pending{std::move(old)};
            destroyIteratively(pending);
            return;
        }
    }
    const int64_t added = key.slotBytes() + value.slotBytes();
    accountedBytes += added;
    t_heldContainerBytes += added;
    items.emplace_back(std::move(key), std::move(value));
}

int Value::nesting() const {
    if (isList()) return asList().nesting;
    if (isDict()) return asDict().nesting;
    return 0;
}

int64_t Value::slotBytes() const {
    return int64_t(sizeof(Value)) + (isString() ? int64_t(asString().capacity()) : 0);
}

void Value::moveOutUniqueChildren(std::vector<Value>& into) {
    if (auto* list = std::get_if<std::shared_ptr<ListData>>(&m_data); list && list->use_count() == 1) {
        for (Value& item : (*list)->items) into.push_back(std::move(item));
        (*list)->items.clear();
    } else if (auto* dict = std::get_if<std::shared_ptr<DictData>>(&m_data); dict && dict->use_count() == 1) {
        for (auto& [k, v] : (*dict)->items) {
            into.push_back(std::move(k));
            into.push_back(std::move(v));
        }
        (*dict)->items.clear();
    }
}

Value Value::list(std::vector<Value> items, bool tuple) {
    Value v;
    v.m_data = std::make_shared<ListData>(std::move(items), tuple);
    return v;
}

Value Value::dict() {
    Value v;
    v.m_data = std::make_shared<DictData>();
    return v;
}

Value Value::function(Function f) {
    Value v;
    v.m_data = std::make_shared<Function>(std::move(f));
    return v;
}

bool Value::truthy() const {
    if (isUndefined() || isNone()) return false;
    if (isBool()) return asBool();
    if (isInt()) return asInt() != 0;
    if (isFloat()) return asDouble() != 0.0;
    if (isString()) return !asString().empty();
    if (isList()) return !asList().items.empty();
    if (isDict()) return asDict().isNamespace || !asDict().items.empty();
    return true;
}

std::string formatPythonFloat(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
    std::string sci(buf, res.ptr);
    std::string sign;
    if (!sci.empty() && sci[0] == '-') {
        sign = "-";
        sci.erase(0, 1);
    }
    const size_t e = sci.find('e');
    std::string digits = sci.substr(0, e);
    if (digits.size() > 1) digits.erase(1, 1);  // drop the '.'
    const int exponent = std::stoi(sci.substr(e + 1));
    if (exponent < -4 || exponent >= 16) {
        std::string out = sign + digits.substr(0, 1);
        if (digits.size() > 1) out += "." + digits.substr(1);
        char ebuf[16];
        std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        return out + ebuf;
    }
    std::string out;
    if (exponent < 0) {
        out = "0." + std::string(size_t(-exponent - 1), '0') + digits;
    } else {
        const size_t point = size_t(exponent) + 1;
        if (digits.size() <= point) {
            out = digits + std::string(point - digits.size(), '0') + ".0";
        } else {
            out = digits.substr(0, point) + "." + digits.substr(point);
        }
    }
    return sign + out;
}

namespace {

// str.isprintable(): control, format, separator (other than ' '), surrogate and private-use
// characters are escaped by repr().
bool isPrintable(char32_t c) {
    if (c == ' ') return true;
    if (c < 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad || isPythonSpace(c)) return false;
    if ((c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2064) || c == 0xfeff) return false;
    if ((c >= 0xd800 && c <= 0xf8ff) || c >= 0xf0000) return false;
    return true;
}

std::string reprString(const std::string& s) {
    const bool hasSingle = s.find('\'') != std::string::npos;
    const bool hasDouble = s.find('"') != std::string::npos;
    const char quote = hasSingle && !hasDouble ? '"' : '\'';
    std::string out(1, quote);
    for (char32_t c : decodeUtf8(s)) {
        char buf[16];
        if (c == U'\\') out += "\\\\";
        else if (c == char32_t(quote)) { out += '\\'; out += quote; }
        else if (c == U'\n') out += "\\n";
        else if (c == U'\r') out += "\\r";
        else if (c == U'\t') out += "\\t";
        else if (!isPrintable(c)) {
            std::snprintf(buf, sizeof buf, c < 0x100 ? "\\x%02x" : c < 0x10000 ? "\\u%04x" : "\\U%08x", unsigned(c));
            out += buf;
        } else appendUtf8(out, c);
    }
    out += quote;
    return out;
}

void jsonString(std::string& out, const std::string& s, bool ensureAscii) {
    out += '"';
    const auto escape = [&](unsigned code) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\u%04x", code);
        out += buf;
    };
    for (char32_t c : decodeUtf8(s)) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    escape(unsigned(c));
                } else if (ensureAscii && c >= 0x80) {
                    if (c >= 0x10000) {
                        const char32_t v = c - 0x10000;
                        escape(unsigned(0xd800 + (v >> 10)));
                        escape(unsigned(0xdc00 + (v & 0x3ff)));
                    } else {
                        escape(unsigned(c));
                    }
                } else {
                    appendUtf8(out, c);
                }
        }
    }
    out += '"';
}

std::string jsonFloat(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    return formatPythonFloat(d);
}

std::string jsonKey(const Value& key, bool ensureAscii) {
    std::string out;
    if (key.isString()) jsonString(out, key.asString(), ensureAscii);
    else if (key.isNone()) out = "\"null\"";
    else if (key.isBool()) out = key.asBool() ? "\"true\"" : "\"false\"";
    else if (key.isInt()) out = "\"" + std::to_string(key.asInt()) + "\"";
    else if (key.isFloat()) out = "\"" + jsonFloat(key.asDouble()) + "\"";
    else fail("keys must be str, int, float, bool or None, not " + key.typeName());
    return out;
}

void jsonValue(std::string& out, const Value& v, const Value::JsonFormat& f, int level) {
    if (level > k_maxValueNesting) failTooDeep();
    const std::string& itemSep = *f.itemSeparator;
    const auto newline = [&](int depth) {
        if (!f.pretty) return;
        out += '\n';
        for (int i = 0; i < depth; ++i) out += f.indent;
    };
    if (v.isNone()) out += "null";
    else if (v.isBool()) out += v.asBool() ? "true" : "false";
    else if (v.isInt()) out += std::to_string(v.asInt());
    else if (v.isFloat()) out += jsonFloat(v.asDouble());
    else if (v.isString()) jsonString(out, v.asString(), f.ensureAscii);
    else if (v.isList()) {
        const auto& items = v.asList().items;
        if (items.empty()) { out += "[]"; return; }
        out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out += itemSep;
            newline(level + 1);
            jsonValue(out, items[i], f, level + 1);
        }
        newline(level);
        out += ']';
    } else if (v.isDict()) {
        std::vector<const std::pair<Value, Value>*> items;
        for (const auto& item : v.asDict().items) items.push_back(&item);
        if (items.empty()) { out += "{}"; return; }
        if (f.sortKeys) {
            std::stable_sort(items.begin(), items.end(), [](const auto* a, const auto* b) {
                if (!a->first.isString() || !b->first.isString()) fail("sort_keys needs string keys");
                return a->first.asString() < b->first.asString();
            });
        }
        out += '{';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out += itemSep;
            newline(level + 1);
            out += jsonKey(items[i]->first, f.ensureAscii);
            out += f.keySeparator;
            jsonValue(out, items[i]->second, f, level + 1);
        }
        newline(level);
        out += '}';
    } else if (v.isUndefined()) {
        fail("Object of type Undefined is not JSON serializable");
    } else {
        fail("Object of type " + v.typeName() + " is not JSON serializable");
    }
}

}  // namespace

std::string Value::str() const {
    if (isUndefined()) return "";
    if (isString()) return asString();
    return repr();
}

std::string Value::repr() const { return reprAt(0); }

std::string Value::reprAt(int depth) const {
    if (depth > k_maxValueNesting) failTooDeep();
    if (isUndefined()) return "";
    if (isNone()) return "None";
    if (isBool()) return asBool() ? "True" : "False";
    if (isInt()) return std::to_string(asInt());
    if (isFloat()) return formatPythonFloat(asDouble());
    if (isString()) return reprString(asString());
    if (isList()) {
        const auto& l = asList();
        std::string out = l.tuple ? "(" : "[";
        for (size_t i = 0; i < l.items.size(); ++i) {
            if (i) out += ", ";
            out += l.items[i].reprAt(depth + 1);
        }
        if (l.tuple && l.items.size() == 1) out += ",";
        return out + (l.tuple ? ")" : "]");
    }
    if (isDict()) {
        const auto& d = asDict();
        std::string out = d.isNamespace ? "<Namespace {" : "{";
        for (size_t i = 0; i < d.items.size(); ++i) {
            if (i) out += ", ";
            out += d.items[i].first.reprAt(depth + 1) + ": " + d.items[i].second.reprAt(depth + 1);
        }
        return out + (d.isNamespace ? "}>" : "}");
    }
    return "<function>";
}

std::string Value::typeName() const {
    if (isUndefined()) return "Undefined";
    if (isNone()) return "NoneType";
    if (isBool()) return "bool";
    if (isInt()) return "int";
    if (isFloat()) return "float";
    if (isString()) return "str";
    if (isList()) return asList().tuple ? "tuple" : "list";
    if (isDict()) return asDict().isNamespace ? "Namespace" : "dict";
    return "function";
}

bool Value::equals(const Value& other, int depth) const {
    if (depth > k_maxValueNesting) failTooDeep();
    if (isNumber() && other.isNumber()) {
        if (isFloat() || other.isFloat()) return asDouble() == other.asDouble();
        return asInt() == other.asInt();
    }
    if (isUndefined() || other.isUndefined()) return isUndefined() && other.isUndefined();
    if (isNone() || other.isNone()) return isNone() && other.isNone();
    if (isString() && other.isString()) return asString() == other.asString();
    if (isList() && other.isList()) {
        const auto& a = asList();
        const auto& b = other.asList();
        if (a.tuple != b.tuple || a.items.size() != b.items.size()) return false;
        for (size_t i = 0; i < a.items.size(); ++i)
            if (!a.items[i].equals(b.items[i], depth + 1)) return false;
        return true;
    }
    if (isDict() && other.isDict()) {
        const auto& a = asDict();
        const auto& b = other.asDict();
        if (&a == &b) return true;
        if (a.isNamespace || b.isNamespace || a.items.size() != b.items.size()) return false;
        for (const auto& [k, v] : a.items) {
            const Value* o = b.find(k);
            if (!o || !o->equals(v, depth + 1)) return false;
        }
        return true;
    }
    if (isCallable() && other.isCallable()) return &asFunction() == &other.asFunction();
    return false;
}

std::string Value::toJson(const JsonFormat& format) const {
    JsonFormat f = format;
    if (!f.itemSeparator) f.itemSeparator = f.pretty ? "," : ", ";
    std::string out;
    jsonValue(out, *this, f, 0);
    return out;
}

std::string Value::toJson(int indent) const {
    JsonFormat f;
    f.pretty = indent >= 0;
    f.indent = std::string(size_t(std::max(indent, 0)), ' ');
    return toJson(f);
}

}  // namespace confidant::inference::jinja
