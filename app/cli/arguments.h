// A small command-line parser for confidant-cli's subcommands: options are taken by name, what
// remains is positional, and anything unknown is an error naming it.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace confidant::cli {

class Arguments {
public:
    explicit Arguments(std::vector<std::string> args) : m_args(std::move(args)) {}

    // Removes and returns the value of an option given as `--name value` or `--name=value`.
    Result<std::optional<std::string>> value(std::initializer_list<std::string_view> names);
    // Removes a flag; true when it was present.
    bool flag(std::initializer_list<std::string_view> names);

    Result<std::optional<long long>> integer(std::initializer_list<std::string_view> names, long long min, long long max);
    // A finite number within [min, max]; NaN and infinities are refused like any value outside.
    Result<std::optional<double>> number(std::initializer_list<std::string_view> names, double min, double max);

    // What is left once all options are taken; an error if an unknown option remains.
    Result<std::vector<std::string>> positionals() const;

private:
    std::vector<std::string> m_args;
};

}  // namespace confidant::cli
