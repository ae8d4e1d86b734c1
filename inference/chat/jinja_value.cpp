// Python semantics of template values: truth, str() and repr(), equality, and json.dumps output.
#include "chat/jinja_value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "chat/jinja_error.h"
#include "chat/jinja_text.h"

namespace confidant::inference::jinja {

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
    for (auto& [k, v] : items) {
        if (k.equals(key)) {
            v = std::move(value);
            return;
        }
    }
    items.emplace_back(std::move(key), std::move(value));
}

Value Value::list(std::vector<Value> items, bool tuple) {
    Value v;
    v.m_data = std::make_shared<ListData>(ListData{std::move(items), tuple});
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
        else if (c < 0x20 || (c >= 0x7f && c < 0xa0)) { std::snprintf(buf, sizeof buf, "\\x%02x", unsigned(c)); out += buf; }
        else appendUtf8(out, c);
    }
    out += quote;
    return out;
}

void jsonString(std::string& out, const std::string& s) {
    out += '"';
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
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
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", unsigned(c));
                    out += buf;
                } else {
                    out += ch;
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

void jsonValue(std::string& out, const Value& v, int indent, int level) {
    const auto newline = [&](int depth) {
        out += '\n';
        out.append(size_t(indent) * size_t(depth), ' ');
    };
    if (v.isNone()) out += "null";
    else if (v.isBool()) out += v.asBool() ? "true" : "false";
    else if (v.isInt()) out += std::to_string(v.asInt());
    else if (v.isFloat()) out += jsonFloat(v.asDouble());
    else if (v.isString()) jsonString(out, v.asString());
    else if (v.isList()) {
        const auto& items = v.asList().items;
        if (items.empty()) { out += "[]"; return; }
        out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out += indent >= 0 ? "," : ", ";
            if (indent >= 0) newline(level + 1);
            jsonValue(out, items[i], indent, level + 1);
        }
        if (indent >= 0) newline(level);
        out += ']';
    } else if (v.isDict()) {
        const auto& items = v.asDict().items;
        if (items.empty()) { out += "{}"; return; }
        out += '{';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i) out += indent >= 0 ? "," : ", ";
            if (indent >= 0) newline(level + 1);
            const Value& key = items[i].first;
            if (key.isString()) jsonString(out, key.asString());
            else if (key.isNone()) out += "\"null\"";
            else if (key.isBool()) out += key.asBool() ? "\"true\"" : "\"false\"";
            else if (key.isInt()) out += "\"" + std::to_string(key.asInt()) + "\"";
            else if (key.isFloat()) out += "\"" + jsonFloat(key.asDouble()) + "\"";
            else fail("keys must be str, int, float, bool or None, not " + key.typeName());
            out += ": ";
            jsonValue(out, items[i].second, indent, level + 1);
        }
        if (indent >= 0) newline(level);
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

std::string Value::repr() const {
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
            out += l.items[i].repr();
        }
        if (l.tuple && l.items.size() == 1) out += ",";
        return out + (l.tuple ? ")" : "]");
    }
    if (isDict()) {
        const auto& d = asDict();
        std::string out = d.isNamespace ? "<Namespace {" : "{";
        for (size_t i = 0; i < d.items.size(); ++i) {
            if (i) out += ", ";
            out += d.items[i].first.repr() + ": " + d.items[i].second.repr();
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

bool Value::equals(const Value& other) const {
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
            if (!a.items[i].equals(b.items[i])) return false;
        return true;
    }
    if (isDict() && other.isDict()) {
        const auto& a = asDict();
        const auto& b = other.asDict();
        if (&a == &b) return true;
        if (a.isNamespace || b.isNamespace || a.items.size() != b.items.size()) return false;
        for (const auto& [k, v] : a.items) {
            const Value* o = b.find(k);
            if (!o || !o->equals(v)) return false;
        }
        return true;
    }
    if (isCallable() && other.isCallable()) return &asFunction() == &other.asFunction();
    return false;
}

std::string Value::toJson(int indent) const {
    std::string out;
    jsonValue(out, *this, indent, 0);
    return out;
}

}  // namespace confidant::inference::jinja
