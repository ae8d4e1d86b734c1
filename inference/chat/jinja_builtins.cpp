// Jinja2's builtin filters and tests, and the methods of Python's str, dict and list that chat
// templates call. Behaviour follows Jinja2 3.1 and Python 3, including their quirks (the title
// filter and str.title() differ; undefined values iterate as empty and print as nothing).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "chat/jinja_interpreter.h"
#include "chat/jinja_text.h"

namespace confidant::inference::jinja {
namespace {

// The argument at `index` or named `name`, or null.
const Value* arg(const CallArgs& args, size_t index, std::string_view name) {
    for (const auto& [k, v] : args.named)
        if (k == name) return &v;
    return index < args.positional.size() ? &args.positional[index] : nullptr;
}

std::string stringArg(const CallArgs& args, size_t index, std::string_view name, std::string fallback) {
    const Value* v = arg(args, index, name);
    if (!v || v->isNone()) return fallback;
    if (!v->isString()) fail("argument '" + std::string(name) + "' must be a string, not " + v->typeName());
    return v->asString();
}

int64_t intArg(const CallArgs& args, size_t index, std::string_view name, int64_t fallback) {
    const Value* v = arg(args, index, name);
    if (!v || v->isNone()) return fallback;
    if (!v->isInt()) fail("argument '" + std::string(name) + "' must be an integer, not " + v->typeName());
    return v->asInt();
}

bool boolArg(const CallArgs& args, size_t index, std::string_view name, bool fallback) {
    const Value* v = arg(args, index, name);
    return v ? v->truthy() : fallback;
}

const std::string& requireString(const Value& v, const char* what) {
    if (v.isUndefined()) failUndefined(v);
    if (!v.isString()) fail(std::string(what) + " needs a string, not " + v.typeName());
    return v.asString();
}

// Jinja2's attribute getter for map/selectattr/sort: "a.b.0" walks items, integers as indexes.
Value attributePath(Interpreter& in, const Value& item, const std::string& path) {
    Value v = item;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t dot = path.find('.', start);
        const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        const bool numeric = !part.empty() && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
        v = numeric ? in.getItem(v, Value(int64_t(std::stoll(part)))) : in.getItem(v, Value(part));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return v;
}

Value lowered(const Value& v, bool caseSensitive) {
    return !caseSensitive && v.isString() ? Value(lowerString(v.asString())) : v;
}

std::vector<std::string> splitLines(const std::string& s, bool keepEnds) {
    std::vector<std::string> lines;
    const std::u32string u = decodeUtf8(s);
    std::u32string line;
    for (size_t i = 0; i < u.size(); ++i) {
        const char32_t c = u[i];
        const bool isBreak = c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e ||
                             c == 0x85 || c == 0x2028 || c == 0x2029;
        if (!isBreak) {
            line.push_back(c);
            continue;
        }
        std::u32string end(1, c);
        if (c == '\r' && i + 1 < u.size() && u[i + 1] == '\n') end.push_back(u[++i]);
        if (keepEnds) line += end;
        lines.push_back(encodeUtf8(line));
        line.clear();
    }
    if (!line.empty()) lines.push_back(encodeUtf8(line));
    return lines;
}

std::string pythonTitle(const std::string& s) {
    std::string out;
    bool previousCased = false;
    for (char32_t c : decodeUtf8(s)) {
        const bool cased = isCased(c);
        appendUtf8(out, cased ? (previousCased ? toLower(c) : toUpper(c)) : c);
        previousCased = cased;
    }
    return out;
}

std::string capitalize(const std::string& s) {
    const std::u32string u = decodeUtf8(s);
    std::string out;
    for (size_t i = 0; i < u.size(); ++i) appendUtf8(out, i == 0 ? toUpper(u[i]) : toLower(u[i]));
    return out;
}

// Jinja2's title filter: words begin after runs of '-', whitespace, '(', '{', '[' or '<'.
std::string jinjaTitle(const std::string& s) {
    std::string out;
    bool wordStart = true;
    for (char32_t c : decodeUtf8(s)) {
        const bool separator = c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || isPythonSpace(c);
        if (separator) {
            appendUtf8(out, c);
            wordStart = true;
        } else {
            appendUtf8(out, wordStart ? toUpper(c) : toLower(c));
            wordStart = false;
        }
    }
    return out;
}

std::string replaceString(Interpreter& in, const std::string& s, const std::string& old, const std::string& with, int64_t count) {
    std::string out;
    if (old.empty()) {
        const std::u32string u = decodeUtf8(s);
        int64_t done = 0;
        for (size_t i = 0; i <= u.size(); ++i) {
            if (count < 0 || done < count) {
                out += with;
                ++done;
            }
            if (i < u.size()) appendUtf8(out, u[i]);
            in.checkSize(out.size());
        }
        return out;
    }
    size_t pos = 0;
    int64_t done = 0;
    while (count < 0 || done < count) {
        const size_t hit = s.find(old, pos);
        if (hit == std::string::npos) break;
        out.append(s, pos, hit - pos);
        out += with;
        in.checkSize(out.size());
        pos = hit + old.size();
        ++done;
    }
    out.append(s, pos, std::string::npos);
    in.checkSize(out.size());
    return out;
}

Value splitString(const std::string& s, const Value* sepArg, int64_t maxSplit, bool fromRight) {
    std::vector<std::string> parts;
    if (!sepArg || sepArg->isNone()) {
        // Runs of whitespace separate; leading and trailing whitespace give no empty parts.
        const std::u32string u = decodeUtf8(s);
        std::vector<std::pair<size_t, size_t>> words;
        size_t i = 0;
        while (i < u.size()) {
            while (i < u.size() && isPythonSpace(u[i])) ++i;
            if (i >= u.size()) break;
            size_t j = i;
            while (j < u.size() && !isPythonSpace(u[j])) ++j;
            words.emplace_back(i, j);
            i = j;
        }
        if (maxSplit >= 0 && int64_t(words.size()) > maxSplit + 1) {
            if (!fromRight) {
                // The remainder keeps its trailing whitespace, as in Python.
                std::vector<std::pair<size_t, size_t>> kept(words.begin(), words.begin() + maxSplit);
                kept.emplace_back(words[size_t(maxSplit)].first, u.size());
                words = kept;
            } else {
                std::vector<std::pair<size_t, size_t>> kept;
                const size_t firstKept = words.size() - size_t(maxSplit);
                kept.emplace_back(0, words[firstKept - 1].second);
                kept.insert(kept.end(), words.begin() + long(firstKept), words.end());
                words = kept;
            }
        }
        std::vector<Value> out;
        for (auto [a, b] : words) out.emplace_back(encodeUtf8(std::u32string_view(u).substr(a, b - a)));
        return Value::list(std::move(out));
    }
    const std::string& sep = requireString(*sepArg, "split");
    if (sep.empty()) fail("empty separator");
    if (!fromRight) {
        size_t pos = 0;
        int64_t done = 0;
        while (maxSplit < 0 || done < maxSplit) {
            const size_t hit = s.find(sep, pos);
            if (hit == std::string::npos) break;
            parts.push_back(s.substr(pos, hit - pos));
            pos = hit + sep.size();
            ++done;
        }
        parts.push_back(s.substr(pos));
    } else {
        size_t end = s.size();
        int64_t done = 0;
        std::vector<std::string> reversed;
        while (maxSplit < 0 || done < maxSplit) {
            if (end < sep.size()) break;
            const size_t hit = s.rfind(sep, end - sep.size());
            if (hit == std::string::npos) break;
            reversed.push_back(s.substr(hit + sep.size(), end - hit - sep.size()));
            end = hit;
            ++done;
        }
        parts.push_back(s.substr(0, end));
        parts.insert(parts.end(), reversed.rbegin(), reversed.rend());
    }
    std::vector<Value> out;
    for (auto& p : parts) out.emplace_back(std::move(p));
    return Value::list(std::move(out));
}

bool affixMatch(const std::string& s, const Value& affix, bool atStart) {
    const auto one = [&](const Value& a) {
        const std::string& x = requireString(a, atStart ? "startswith" : "endswith");
        if (x.size() > s.size()) return false;
        return atStart ? s.compare(0, x.size(), x) == 0 : s.compare(s.size() - x.size(), x.size(), x) == 0;
    };
    if (affix.isList()) {
        for (const auto& a : affix.asList().items)
            if (one(a)) return true;
        return false;
    }
    return one(affix);
}

// Python's printf-style formatting (`"%s" % x` and the format filter): %s %r %d %i %f %x %%.
std::string percentFormat(const std::string& format, const CallArgs& args) {
    std::string out;
    size_t next = 0;
    const Value* mapping = args.positional.size() == 1 && args.positional[0].isDict() ? &args.positional[0] : nullptr;
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') {
            out += format[i];
            continue;
        }
        if (++i >= format.size()) fail("incomplete format");
        const Value* value = nullptr;
        if (format[i] == '(') {
            const size_t close = format.find(')', i);
            if (close == std::string::npos || !mapping) fail("format requires a mapping");
            value = mapping->asDict().find(std::string_view(format).substr(i + 1, close - i - 1));
            if (!value) fail("missing key in format mapping");
            i = close + 1;
        }
        std::string spec = "%";
        while (i < format.size() && std::string_view("-+ #0123456789.").find(format[i]) != std::string_view::npos) spec += format[i++];
        if (i >= format.size()) fail("incomplete format");
        const char conv = format[i];
        if (conv == '%') {
            out += '%';
            continue;
        }
        if (!value) {
            if (next >= args.positional.size()) fail("not enough arguments for format string");
            value = &args.positional[next++];
        }
        char buf[512];
        switch (conv) {
            case 's': case 'r': {
                const std::string text = conv == 's' ? value->str() : value->repr();
                if (spec == "%") out += text;
                else { std::snprintf(buf, sizeof buf, (spec + "s").c_str(), text.c_str()); out += buf; }
                break;
            }
            case 'd': case 'i': case 'x': case 'X': case 'o':
                if (!value->isNumber()) fail("%" + std::string(1, conv) + " format: a number is required, not " + value->typeName());
                std::snprintf(buf, sizeof buf, (spec + "ll" + (conv == 'i' ? 'd' : conv)).c_str(),
                              (long long)(value->isFloat() ? std::trunc(value->asDouble()) : double(value->asInt())));
                out += buf;
                break;
            case 'f': case 'F': case 'e': case 'E': case 'g': case 'G':
                if (!value->isNumber()) fail("%" + std::string(1, conv) + " format: a number is required, not " + value->typeName());
                std::snprintf(buf, sizeof buf, (spec + conv).c_str(), value->asDouble());
                out += buf;
                break;
            default: fail(std::string("unsupported format character '") + conv + "'");
        }
    }
    if (!mapping && next < args.positional.size()) fail("not all arguments converted during string formatting");
    return out;
}

// str.format: {} {0} {name} and {{ }} escapes; format specs are not supported.
std::string braceFormat(const std::string& format, const CallArgs& args) {
    std::string out;
    size_t auto_ = 0;
    for (size_t i = 0; i < format.size(); ++i) {
        const char c = format[i];
        if (c == '{' && i + 1 < format.size() && format[i + 1] == '{') { out += '{'; ++i; continue; }
        if (c == '}' && i + 1 < format.size() && format[i + 1] == '}') { out += '}'; ++i; continue; }
        if (c == '}') fail("single '}' encountered in format string");
        if (c != '{') { out += c; continue; }
        const size_t close = format.find('}', i);
        if (close == std::string::npos) fail("single '{' encountered in format string");
        std::string field = format.substr(i + 1, close - i - 1);
        if (field.find(':') != std::string::npos || field.find('!') != std::string::npos)
            fail("format specifications in str.format are not supported");
        const Value* v = nullptr;
        if (field.empty()) {
            if (auto_ >= args.positional.size()) fail("replacement index out of range for str.format");
            v = &args.positional[auto_++];
        } else if (std::all_of(field.begin(), field.end(), [](char d) { return d >= '0' && d <= '9'; })) {
            const size_t index = size_t(std::stoul(field));
            if (index >= args.positional.size()) fail("replacement index " + field + " out of range for str.format");
            v = &args.positional[index];
        } else {
            for (const auto& [k, val] : args.named)
                if (k == field) v = &val;
            if (!v) fail("missing key '" + field + "' for str.format");
        }
        out += v->str();
        i = close;
    }
    return out;
}

std::string joinValues(Interpreter& in, const Value& input, const std::string& separator, const std::string& attribute) {
    std::string out;
    bool first = true;
    for (const Value& item : iterate(input)) {
        if (!first) out += separator;
        first = false;
        out += attribute.empty() ? item.str() : attributePath(in, item, attribute).str();
        in.checkSize(out.size());
    }
    return out;
}

std::vector<Value> sortedValues(Interpreter& in, std::vector<Value> items, bool reverse, bool caseSensitive,
                                const std::string& attribute) {
    const auto key = [&](const Value& v) {
        return lowered(attribute.empty() ? v : attributePath(in, v, attribute), caseSensitive);
    };
    std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
        const int c = compareValues(key(a), key(b));
        return reverse ? c > 0 : c < 0;
    });
    return items;
}

Value toInteger(const Value& v, const Value& fallback) {
    if (v.isInt()) return Value(v.asInt());
    if (v.isFloat()) return std::isfinite(v.asDouble()) ? Value(int64_t(v.asDouble())) : fallback;
    if (v.isString()) {
        std::string s = stripString(v.asString(), true, true);
        s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
        if (s.empty()) return fallback;
        char* end = nullptr;
        errno = 0;
        const long long i = std::strtoll(s.c_str(), &end, 10);
        if (*end == 0 && errno == 0) return Value(int64_t(i));
        const double d = std::strtod(s.c_str(), &end);
        if (*end == 0 && std::isfinite(d)) return Value(int64_t(d));
    }
    return fallback;
}

Value toFloat(const Value& v, const Value& fallback) {
    if (v.isNumber()) return Value(v.asDouble());
    if (v.isString()) {
        const std::string s = stripString(v.asString(), true, true);
        char* end = nullptr;
        const double d = std::strtod(s.c_str(), &end);
        if (!s.empty() && *end == 0) return Value(d);
    }
    return fallback;
}

Value selectOrReject(Interpreter& in, const Value& input, const CallArgs& args, bool select, bool byAttribute) {
    std::string attribute;
    size_t testIndex = 0;
    if (byAttribute) {
        if (args.positional.empty()) fail(std::string(select ? "selectattr" : "rejectattr") + " needs an attribute name");
        attribute = requireString(args.positional[0], "selectattr");
        testIndex = 1;
    }
    std::string test;
    CallArgs testArgs;
    if (args.positional.size() > testIndex) {
        test = requireString(args.positional[testIndex], "select");
        if (!hasTest(test)) fail("no test named '" + test + "'");
        testArgs.positional.assign(args.positional.begin() + long(testIndex) + 1, args.positional.end());
    }
    std::vector<Value> out;
    for (const Value& item : iterate(input)) {
        in.countIteration();
        const Value subject = byAttribute ? attributePath(in, item, attribute) : item;
        const bool passed = test.empty() ? subject.truthy() : in.applyTest(test, subject, testArgs);
        if (passed == select) out.push_back(item);
    }
    return Value::list(std::move(out));
}

std::string indentText(const std::string& s, const Value* width, bool first, bool blank) {
    std::string indention = width && width->isString() ? width->asString()
                                                        : std::string(size_t(width && width->isInt() ? std::max<int64_t>(0, width->asInt()) : 4), ' ');
    const std::vector<std::string> lines = splitLines(s + "\n", false);
    std::string rv;
    if (blank) {
        for (size_t i = 0; i < lines.size(); ++i) rv += (i ? "\n" + indention : "") + lines[i];
    } else {
        rv = lines.empty() ? "" : lines[0];
        for (size_t i = 1; i < lines.size(); ++i) rv += "\n" + (lines[i].empty() ? "" : indention + lines[i]);
    }
    if (first) rv = indention + rv;
    return rv;
}

std::string htmlEscape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&#34;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

const std::set<std::string>& filterNames() {
    static const std::set<std::string> names = {
        "abs", "attr", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape", "first", "float",
        "format", "indent", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject",
        "rejectattr", "replace", "reverse", "round", "safe", "select", "selectattr", "sort", "string", "sum", "title",
        "tojson", "trim", "unique", "upper", "wordcount",
    };
    return names;
}

const std::set<std::string>& testNames() {
    static const std::set<std::string> names = {
        "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "escaped", "even", "false", "float", "ge",
        "greaterthan", "gt", "in", "integer", "iterable", "le", "lessthan", "lower", "lt", "mapping", "ne", "none",
        "number", "odd", "sameas", "sequence", "string", "true", "undefined", "upper", "==", "!=", "<", "<=", ">", ">=",
    };
    return names;
}

}  // namespace

std::vector<Value> iterate(const Value& value) {
    if (value.isUndefined()) return {};
    if (value.isList()) return value.asList().items;
    if (value.isDict()) {
        std::vector<Value> keys;
        for (const auto& [k, v] : value.asDict().items) keys.push_back(k);
        return keys;
    }
    if (value.isString()) {
        std::vector<Value> chars;
        for (char32_t c : decodeUtf8(value.asString())) chars.emplace_back(encodeUtf8(std::u32string(1, c)));
        return chars;
    }
    fail("'" + value.typeName() + "' object is not iterable");
}

int compareValues(const Value& a, const Value& b, bool caseSensitive) {
    if (a.isNumber() && b.isNumber()) {
        if (a.isFloat() || b.isFloat()) {
            const double x = a.asDouble(), y = b.asDouble();
            return x < y ? -1 : x > y ? 1 : 0;
        }
        return a.asInt() < b.asInt() ? -1 : a.asInt() > b.asInt() ? 1 : 0;
    }
    if (a.isString() && b.isString()) {
        const Value x = lowered(a, caseSensitive), y = lowered(b, caseSensitive);
        const int c = x.asString().compare(y.asString());
        return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    if (a.isList() && b.isList()) {
        const auto& x = a.asList().items;
        const auto& y = b.asList().items;
        for (size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
            if (x[i].equals(y[i])) continue;
            return compareValues(x[i], y[i], caseSensitive);
        }
        return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
    }
    if (a.isUndefined()) failUndefined(a);
    if (b.isUndefined()) failUndefined(b);
    fail("'<' not supported between instances of '" + a.typeName() + "' and '" + b.typeName() + "'");
}

bool containsValue(const Value& container, const Value& item) {
    if (container.isUndefined()) return false;
    if (container.isString()) {
        if (!item.isString()) fail("'in <string>' requires string as left operand, not " + item.typeName());
        return container.asString().find(item.asString()) != std::string::npos;
    }
    if (container.isList()) {
        for (const auto& v : container.asList().items)
            if (v.equals(item)) return true;
        return false;
    }
    if (container.isDict()) return container.asDict().find(item) != nullptr;
    fail("argument of type '" + container.typeName() + "' is not iterable");
}

Value sliceValue(const Value& object, const Value& startV, const Value& stopV, const Value& stepV) {
    if (object.isUndefined()) failUndefined(object);
    for (const Value* v : {&startV, &stopV, &stepV})
        if (!v->isNone() && !v->isInt()) fail("slice indices must be integers or None, not " + v->typeName());
    const int64_t step = stepV.isNone() ? 1 : stepV.asInt();
    if (step == 0) fail("slice step cannot be zero");
    std::u32string text;
    const std::vector<Value>* items = nullptr;
    if (object.isString()) text = decodeUtf8(object.asString());
    else if (object.isList()) items = &object.asList().items;
    else fail("'" + object.typeName() + "' object is not subscriptable");
    const int64_t length = items ? int64_t(items->size()) : int64_t(text.size());
    const int64_t lower = step > 0 ? 0 : -1, upper = step > 0 ? length : length - 1;
    const auto bound = [&](const Value& v, int64_t fallback) {
        if (v.isNone()) return fallback;
        int64_t i = v.asInt();
        if (i < 0) {
            i += length;
            if (i < lower) i = lower;
        } else if (i > upper) {
            i = upper;
        }
        return i;
    };
    const int64_t start = bound(startV, step > 0 ? lower : upper);
    const int64_t stop = bound(stopV, step > 0 ? upper : lower);
    std::vector<Value> outItems;
    std::u32string outText;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (items) outItems.push_back((*items)[size_t(i)]);
        else outText.push_back(text[size_t(i)]);
    }
    if (items) return Value::list(std::move(outItems), object.asList().tuple);
    return Value(encodeUtf8(outText));
}

bool hasFilter(const std::string& name) { return filterNames().count(name) != 0; }
bool hasTest(const std::string& name) { return testNames().count(name) != 0; }

Value runFilter(Interpreter& in, const std::string& name, const Value& input, const CallArgs& args) {
    if (name == "default" || name == "d") {
        const Value* fallback = arg(args, 0, "default_value");
        const bool boolean = boolArg(args, 1, "boolean", false);
        if (input.isUndefined() || (boolean && !input.truthy())) return fallback ? *fallback : Value("");
        return input;
    }
    if (name == "length" || name == "count") {
        if (input.isUndefined()) return Value(int64_t(0));
        if (input.isString()) return Value(int64_t(codePointCount(input.asString())));
        if (input.isList()) return Value(int64_t(input.asList().items.size()));
        if (input.isDict()) return Value(int64_t(input.asDict().items.size()));
        fail("object of type '" + input.typeName() + "' has no len()");
    }
    if (name == "string") return Value(input.str());
    if (name == "safe") return input.isString() ? input : Value(input.str());
    if (name == "escape" || name == "e") return Value(htmlEscape(input.str()));
    if (name == "trim") {
        const Value* chars = arg(args, 0, "chars");
        if (chars && !chars->isNone()) {
            const std::u32string set = decodeUtf8(requireString(*chars, "trim"));
            return Value(stripString(input.str(), true, true, &set));
        }
        return Value(stripString(input.str(), true, true));
    }
    if (name == "upper") return Value(upperString(input.str()));
    if (name == "lower") return Value(lowerString(input.str()));
    if (name == "capitalize") return Value(capitalize(input.str()));
    if (name == "title") return Value(jinjaTitle(input.str()));
    if (name == "replace") {
        if (args.positional.size() < 2) fail("replace needs the old and the new string");
        const std::string s = input.str();
        return Value(replaceString(in, s, args.positional[0].str(), args.positional[1].str(), intArg(args, 2, "count", -1)));
    }
    if (name == "tojson") {
        const Value* indent = arg(args, 0, "indent");
        std::string json = input.toJson(indent && indent->isInt() ? int(std::clamp<int64_t>(indent->asInt(), 0, 64)) : -1);
        in.checkSize(json.size());
        return Value(std::move(json));
    }
    if (name == "items") {
        if (input.isUndefined()) return Value::list();
        if (!input.isDict()) fail("Can only get item pairs from a mapping.");
        std::vector<Value> pairs;
        for (const auto& [k, v] : input.asDict().items) pairs.push_back(Value::list({k, v}, true));
        return Value::list(std::move(pairs));
    }
    if (name == "dictsort") {
        if (!input.isDict()) fail("dictsort needs a mapping, not " + input.typeName());
        const bool caseSensitive = boolArg(args, 0, "case_sensitive", false);
        const bool byValue = stringArg(args, 1, "by", "key") == "value";
        const bool reverse = boolArg(args, 2, "reverse", false);
        std::vector<Value> pairs;
        for (const auto& [k, v] : input.asDict().items) pairs.push_back(Value::list({k, v}, true));
        std::stable_sort(pairs.begin(), pairs.end(), [&](const Value& a, const Value& b) {
            const size_t i = byValue ? 1 : 0;
            const int c = compareValues(lowered(a.asList().items[i], caseSensitive), lowered(b.asList().items[i], caseSensitive));
            return reverse ? c > 0 : c < 0;
        });
        return Value::list(std::move(pairs));
    }
    if (name == "join") {
        return Value(joinValues(in, input, stringArg(args, 0, "d", ""), stringArg(args, 1, "attribute", "")));
    }
    if (name == "first") {
        const std::vector<Value> items = iterate(input);
        return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
    }
    if (name == "last") {
        if (input.isDict()) fail("'dict' object is not reversible");
        const std::vector<Value> items = iterate(input);
        return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
    }
    if (name == "list") return Value::list(iterate(input));
    if (name == "reverse") {
        if (input.isString()) {
            std::u32string u = decodeUtf8(input.asString());
            std::reverse(u.begin(), u.end());
            return Value(encodeUtf8(u));
        }
        std::vector<Value> items = iterate(input);
        std::reverse(items.begin(), items.end());
        return Value::list(std::move(items));
    }
    if (name == "sort") {
        return Value::list(sortedValues(in, iterate(input), boolArg(args, 0, "reverse", false),
                                        boolArg(args, 1, "case_sensitive", false), stringArg(args, 2, "attribute", "")));
    }
    if (name == "unique") {
        const bool caseSensitive = boolArg(args, 0, "case_sensitive", false);
        const std::string attribute = stringArg(args, 1, "attribute", "");
        std::vector<Value> out, seen;
        for (const Value& item : iterate(input)) {
            const Value key = lowered(attribute.empty() ? item : attributePath(in, item, attribute), caseSensitive);
            if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return s.equals(key); })) continue;
            seen.push_back(key);
            out.push_back(item);
        }
        return Value::list(std::move(out));
    }
    if (name == "min" || name == "max") {
        const bool caseSensitive = boolArg(args, 0, "case_sensitive", false);
        const std::string attribute = stringArg(args, 1, "attribute", "");
        const std::vector<Value> items = iterate(input);
        if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
        size_t best = 0;
        for (size_t i = 1; i < items.size(); ++i) {
            const auto key = [&](const Value& v) { return lowered(attribute.empty() ? v : attributePath(in, v, attribute), caseSensitive); };
            const int c = compareValues(key(items[i]), key(items[best]));
            if (name == "min" ? c < 0 : c > 0) best = i;
        }
        return items[best];
    }
    if (name == "sum") {
        const std::string attribute = stringArg(args, 0, "attribute", "");
        const Value* start = arg(args, 1, "start");
        Value total = start ? *start : Value(int64_t(0));
        for (const Value& item : iterate(input)) {
            const Value v = attribute.empty() ? item : attributePath(in, item, attribute);
            if (!total.isNumber() || !v.isNumber()) fail("sum needs numbers, not " + v.typeName());
            total = total.isFloat() || v.isFloat() ? Value(total.asDouble() + v.asDouble()) : Value(total.asInt() + v.asInt());
        }
        return total;
    }
    if (name == "map") {
        std::vector<Value> out;
        const Value* attribute = arg(args, 99, "attribute");
        if (attribute) {
            const std::string path = requireString(*attribute, "map");
            const Value* fallback = arg(args, 99, "default");
            for (const Value& item : iterate(input)) {
                Value v = attributePath(in, item, path);
                out.push_back(v.isUndefined() && fallback ? *fallback : v);
            }
            return Value::list(std::move(out));
        }
        if (args.positional.empty()) fail("map needs a filter name or attribute=");
        const std::string filter = requireString(args.positional[0], "map");
        CallArgs rest;
        rest.positional.assign(args.positional.begin() + 1, args.positional.end());
        rest.named = args.named;
        for (const Value& item : iterate(input)) out.push_back(in.applyFilter(filter, item, rest));
        return Value::list(std::move(out));
    }
    if (name == "select" || name == "reject") return selectOrReject(in, input, args, name == "select", false);
    if (name == "selectattr" || name == "rejectattr") return selectOrReject(in, input, args, name == "selectattr", true);
    if (name == "attr") {
        if (args.positional.empty()) fail("attr needs an attribute name");
        return in.getAttribute(input, requireString(args.positional[0], "attr"));
    }
    if (name == "int") {
        const Value* fallback = arg(args, 0, "default");
        return toInteger(input, fallback ? *fallback : Value(int64_t(0)));
    }
    if (name == "float") {
        const Value* fallback = arg(args, 0, "default");
        return toFloat(input, fallback ? *fallback : Value(0.0));
    }
    if (name == "abs") {
        if (!input.isNumber()) fail("bad operand type for abs(): '" + input.typeName() + "'");
        return input.isFloat() ? Value(std::fabs(input.asDouble())) : Value(input.asInt() < 0 ? -input.asInt() : input.asInt());
    }
    if (name == "round") {
        if (!input.isNumber()) fail("round needs a number, not " + input.typeName());
        const int64_t precision = intArg(args, 0, "precision", 0);
        const std::string method = stringArg(args, 1, "method", "common");
        const double scale = std::pow(10.0, double(precision));
        const double x = input.asDouble() * scale;
        const double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::round(x);
        return Value(r / scale);
    }
    if (name == "format") {
        const std::string& format = requireString(input, "format");
        return Value(percentFormat(format, args));
    }
    if (name == "indent") {
        return Value(indentText(input.str(), arg(args, 0, "width"), boolArg(args, 1, "first", false), boolArg(args, 2, "blank", false)));
    }
    if (name == "center") {
        const std::string s = input.str();
        const int64_t width = intArg(args, 0, "width", 80);
        const int64_t length = int64_t(codePointCount(s));
        if (width <= length) return Value(s);
        in.checkSize(size_t(width));
        const int64_t total = width - length;
        const int64_t left = total / 2 + (total & width & 1);
        return Value(std::string(size_t(left), ' ') + s + std::string(size_t(total - left), ' '));
    }
    if (name == "wordcount") {
        int64_t words = 0;
        bool inWord = false;
        for (char32_t c : decodeUtf8(input.str())) {
            const bool w = isAlpha(c) || isDigit(c) || c == '_';
            if (w && !inWord) ++words;
            inWord = w;
        }
        return Value(words);
    }
    fail("no filter named '" + name + "'");
}

bool runTest(Interpreter&, const std::string& name, const Value& v, const CallArgs& args) {
    const auto other = [&]() -> const Value& {
        if (args.positional.empty()) fail("the test '" + name + "' needs an argument");
        return args.positional[0];
    };
    if (name == "defined") return !v.isUndefined();
    if (name == "undefined") return v.isUndefined();
    if (name == "none") return v.isNone();
    if (name == "boolean") return v.isBool();
    if (name == "true") return v.isBool() && v.asBool();
    if (name == "false") return v.isBool() && !v.asBool();
    if (name == "integer") return v.isInt() && !v.isBool();
    if (name == "float") return v.isFloat();
    if (name == "number") return v.isNumber();
    if (name == "string") return v.isString();
    if (name == "mapping") return v.isDict() && !v.asDict().isNamespace;
    if (name == "iterable") return v.isUndefined() || v.isList() || v.isDict() || v.isString();
    if (name == "sequence") return v.isUndefined() || v.isList() || v.isDict() || v.isString();
    if (name == "callable") return v.isCallable();
    if (name == "escaped") return false;
    if (name == "lower") return v.isString() && lowerString(v.asString()) == v.asString();
    if (name == "upper") return v.isString() && upperString(v.asString()) == v.asString();
    if (name == "odd" || name == "even" || name == "divisibleby") {
        if (v.isUndefined()) failUndefined(v);
        if (!v.isInt()) fail("the test '" + name + "' needs an integer, not " + v.typeName());
        if (name == "divisibleby") {
            const Value& d = other();
            if (!d.isInt() || d.asInt() == 0) fail("divisibleby needs a non-zero integer");
            return v.asInt() % d.asInt() == 0;
        }
        return (v.asInt() % 2 != 0) == (name == "odd");
    }
    if (name == "sameas") {
        const Value& o = other();
        // CPython shares None, booleans, small ints and interned strings: equal ones are the same object.
        if (v.isNone() || v.isBool() || o.isNone() || o.isBool() || v.isInt() || v.isString())
            return v.typeName() == o.typeName() && v.equals(o);
        if (v.isList() && o.isList()) return &v.asList() == &o.asList();
        if (v.isDict() && o.isDict()) return &v.asDict() == &o.asDict();
        return false;
    }
    if (name == "eq" || name == "equalto" || name == "==") return v.equals(other());
    if (name == "ne" || name == "!=") return !v.equals(other());
    if (name == "in") return containsValue(other(), v);
    if (name == "lt" || name == "lessthan" || name == "<") return compareValues(v, other()) < 0;
    if (name == "le" || name == "<=") return compareValues(v, other()) <= 0;
    if (name == "gt" || name == "greaterthan" || name == ">") return compareValues(v, other()) > 0;
    if (name == "ge" || name == ">=") return compareValues(v, other()) >= 0;
    fail("no test named '" + name + "'");
}

Value boundMethod(Interpreter& in, const Value& object, const std::string& name) {
    Interpreter* interpreter = &in;
    if (object.isString()) {
        static const std::set<std::string> methods = {
            "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "replace", "startswith", "endswith", "upper",
            "lower", "title", "capitalize", "swapcase", "find", "rfind", "count", "join", "format", "isdigit", "isalpha",
            "isalnum", "isspace", "isupper", "islower", "removeprefix", "removesuffix",
        };
        if (!methods.count(name)) return Value::undefined("'str object' has no attribute '" + name + "'");
        const std::string s = object.asString();
        return Value::function([interpreter, s, name](const CallArgs& args) -> Value {
            if (name == "strip" || name == "lstrip" || name == "rstrip") {
                const Value* chars = arg(args, 0, "chars");
                const bool left = name != "rstrip", right = name != "lstrip";
                if (chars && !chars->isNone()) {
                    const std::u32string set = decodeUtf8(requireString(*chars, name.c_str()));
                    return Value(stripString(s, left, right, &set));
                }
                return Value(stripString(s, left, right));
            }
            if (name == "split" || name == "rsplit")
                return splitString(s, arg(args, 0, "sep"), intArg(args, 1, "maxsplit", -1), name == "rsplit");
            if (name == "splitlines") {
                std::vector<Value> lines;
                for (auto& l : splitLines(s, boolArg(args, 0, "keepends", false))) lines.emplace_back(std::move(l));
                return Value::list(std::move(lines));
            }
            if (name == "replace") {
                if (args.positional.size() < 2) fail("replace() takes at least 2 arguments");
                return Value(replaceString(*interpreter, s, requireString(args.positional[0], "replace"),
                                           requireString(args.positional[1], "replace"), intArg(args, 2, "count", -1)));
            }
            if (name == "startswith" || name == "endswith") {
                if (args.positional.empty()) fail(name + "() takes at least 1 argument");
                return Value(affixMatch(s, args.positional[0], name == "startswith"));
            }
            if (name == "upper") return Value(upperString(s));
            if (name == "lower") return Value(lowerString(s));
            if (name == "title") return Value(pythonTitle(s));
            if (name == "capitalize") return Value(capitalize(s));
            if (name == "swapcase") {
                std::string out;
                for (char32_t c : decodeUtf8(s)) appendUtf8(out, toUpper(c) != c ? toUpper(c) : toLower(c));
                return Value(out);
            }
            if (name == "find" || name == "rfind" || name == "count") {
                if (args.positional.empty()) fail(name + "() takes at least 1 argument");
                const std::string& sub = requireString(args.positional[0], name.c_str());
                if (name == "count") {
                    if (sub.empty()) return Value(int64_t(codePointCount(s) + 1));
                    int64_t n = 0;
                    for (size_t p = s.find(sub); p != std::string::npos; p = s.find(sub, p + sub.size())) ++n;
                    return Value(n);
                }
                const size_t p = name == "find" ? s.find(sub) : s.rfind(sub);
                return Value(p == std::string::npos ? int64_t(-1) : int64_t(codePointCount(std::string_view(s).substr(0, p))));
            }
            if (name == "join") {
                if (args.positional.empty()) fail("join() takes exactly one argument");
                std::string out;
                bool first = true;
                for (const Value& item : iterate(args.positional[0])) {
                    if (!item.isString()) fail("sequence item: expected str instance, " + item.typeName() + " found");
                    if (!first) out += s;
                    first = false;
                    out += item.asString();
                    interpreter->checkSize(out.size());
                }
                return Value(std::move(out));
            }
            if (name == "format") return Value(braceFormat(s, args));
            if (name == "removeprefix" || name == "removesuffix") {
                if (args.positional.empty()) fail(name + "() takes exactly one argument");
                const std::string& a = requireString(args.positional[0], name.c_str());
                if (name == "removeprefix") return Value(s.compare(0, a.size(), a) == 0 ? s.substr(a.size()) : s);
                return Value(s.size() >= a.size() && s.compare(s.size() - a.size(), a.size(), a) == 0 ? s.substr(0, s.size() - a.size()) : s);
            }
            const std::u32string u = decodeUtf8(s);
            if (u.empty()) return Value(false);
            if (name == "isdigit") return Value(std::all_of(u.begin(), u.end(), isDigit));
            if (name == "isalpha") return Value(std::all_of(u.begin(), u.end(), isAlpha));
            if (name == "isalnum") return Value(std::all_of(u.begin(), u.end(), [](char32_t c) { return isAlpha(c) || isDigit(c); }));
            if (name == "isspace") return Value(std::all_of(u.begin(), u.end(), isPythonSpace));
            const bool anyCased = std::any_of(u.begin(), u.end(), isCased);
            if (name == "isupper") return Value(anyCased && upperString(s) == s);
            return Value(anyCased && lowerString(s) == s);
        });
    }
    if (object.isDict()) {
        if (name != "items" && name != "keys" && name != "values" && name != "get") return Value::undefined("");
        const Value dict = object;
        return Value::function([dict, name](const CallArgs& args) -> Value {
            const DictData& d = dict.asDict();
            if (name == "get") {
                if (args.positional.empty()) fail("get() takes at least 1 argument");
                const Value* v = d.find(args.positional[0]);
                if (v) return *v;
                return args.positional.size() > 1 ? args.positional[1] : Value(nullptr);
            }
            std::vector<Value> out;
            for (const auto& [k, v] : d.items) {
                if (name == "items") out.push_back(Value::list({k, v}, true));
                else out.push_back(name == "keys" ? k : v);
            }
            return Value::list(std::move(out));
        });
    }
    if (object.isList()) {
        if (name != "index" && name != "count") return Value::undefined("");
        const Value list = object;
        return Value::function([list, name](const CallArgs& args) -> Value {
            if (args.positional.empty()) fail(name + "() takes exactly one argument");
            const auto& items = list.asList().items;
            int64_t count = 0;
            for (size_t i = 0; i < items.size(); ++i) {
                if (!items[i].equals(args.positional[0])) continue;
                if (name == "index") return Value(int64_t(i));
                ++count;
            }
            if (name == "index") fail(args.positional[0].repr() + " is not in list");
            return Value(count);
        });
    }
    return Value::undefined("");
}

}  // namespace confidant::inference::jinja
