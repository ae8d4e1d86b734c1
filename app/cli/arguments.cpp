// Option parsing for confidant-cli.
#include "cli/arguments.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace confidant::cli {
namespace {

std::string formatNumber(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

}  // namespace

Result<std::optional<std::string>> Arguments::value(std::initializer_list<std::string_view> names) {
    for (size_t i = 0; i < m_args.size(); ++i) {
        if (m_args[i] == "--") break;
        for (std::string_view name : names) {
            const std::string& a = m_args[i];
            if (a == name) {
                if (i + 1 >= m_args.size()) return makeError("option " + std::string(name) + " needs a value");
                std::string v = m_args[i + 1];
                m_args.erase(m_args.begin() + ptrdiff_t(i), m_args.begin() + ptrdiff_t(i) + 2);
                return std::optional<std::string>(std::move(v));
            }
            if (a.size() > name.size() && a.compare(0, name.size(), name) == 0 && a[name.size()] == '=') {
                std::string v = a.substr(name.size() + 1);
                m_args.erase(m_args.begin() + ptrdiff_t(i));
                return std::optional<std::string>(std::move(v));
            }
        }
    }
    return std::optional<std::string>{};
}

bool Arguments::flag(std::initializer_list<std::string_view> names) {
    for (size_t i = 0; i < m_args.size(); ++i) {
        if (m_args[i] == "--") break;
        for (std::string_view name : names)
            if (m_args[i] == name) {
                m_args.erase(m_args.begin() + ptrdiff_t(i));
                return true;
            }
    }
    return false;
}

Result<std::optional<long long>> Arguments::integer(std::initializer_list<std::string_view> names, long long min,
                                                    long long max) {
    auto v = value(names);
    if (!v) return v.error();
    if (!*v) return std::optional<long long>{};
    errno = 0;
    char* end = nullptr;
    const long long n = std::strtoll((*v)->c_str(), &end, 10);
    if (errno != 0 || end == (*v)->c_str() || *end != '\0' || n < min || n > max)
        return makeError("option " + std::string(*names.begin()) + " needs an integer from " + std::to_string(min) +
                         " to " + std::to_string(max) + ", not '" + **v + "'");
    return std::optional<long long>(n);
}

Result<std::optional<double>> Arguments::number(std::initializer_list<std::string_view> names, double min, double max) {
    auto v = value(names);
    if (!v) return v.error();
    if (!*v) return std::optional<double>{};
    errno = 0;
    char* end = nullptr;
    const double n = std::strtod((*v)->c_str(), &end);
    // `!(n >= min && n <= max)` also refuses nan and inf, which strtod accepts.
    if (errno != 0 || end == (*v)->c_str() || *end != '\0' || !(n >= min && n <= max))
        return makeError("option " + std::string(*names.begin()) + " needs a number from " + formatNumber(min) + " to " +
                         formatNumber(max) + ", not '" + **v + "'");
    return std::optional<double>(n);
}

Result<std::vector<std::string>> Arguments::positionals() const {
    std::vector<std::string> out;
    bool afterDashes = false;
    for (const auto& a : m_args) {
        if (!afterDashes && a == "--") {
            afterDashes = true;
            continue;
        }
        if (!afterDashes && a.size() > 1 && a[0] == '-' && !(a[1] >= '0' && a[1] <= '9'))
            return makeError("unknown option '" + a + "'");
        out.push_back(a);
    }
    return out;
}

}  // namespace confidant::cli
