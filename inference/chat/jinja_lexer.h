// Splits template source into text and the tokens inside {{ }} and {% %}, applying Jinja2's
// whitespace rules: `-`/`+` markers, trim_blocks, lstrip_blocks, comments and raw blocks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace confidant::inference::jinja {

enum class TokenKind { Text, VariableBegin, VariableEnd, BlockBegin, BlockEnd, Name, String, Integer, Float, Operator, End };

struct Token {
    TokenKind kind = TokenKind::End;
    std::string text;  // Text: the data; Name/Operator: the spelling; String: the unescaped value
    int64_t intValue = 0;
    double floatValue = 0.0;
    int line = 1;
    int column = 1;
};

struct LexOptions {
    bool trimBlocks = true;    // drop the first newline after a block or comment tag
    bool lstripBlocks = true;  // drop spaces and tabs before a block or comment tag on its own line
    bool keepTrailingNewline = false;
};

// Throws TemplateFailure (Syntax) with the position of the problem.
std::vector<Token> tokenize(std::string_view source, const LexOptions& options);

}  // namespace confidant::inference::jinja
