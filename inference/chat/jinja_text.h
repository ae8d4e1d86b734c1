// Unicode helpers for the template interpreter: Python counts and slices strings by code point
// and strips Unicode whitespace, so the interpreter decodes UTF-8 where that matters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace confidant::inference::jinja {

// Invalid bytes decode as U+FFFD-free raw values (0xDC80 + byte) so that round trips keep them.
std::u32string decodeUtf8(std::string_view text);
std::string encodeUtf8(std::u32string_view text);
void appendUtf8(std::string& out, char32_t c);
size_t codePointCount(std::string_view text);

bool isPythonSpace(char32_t c);  // str.isspace() / \s
char32_t toUpper(char32_t c);
char32_t toLower(char32_t c);
bool isCased(char32_t c);  // has an upper or lower form (for title())
bool isAlpha(char32_t c);
bool isDigit(char32_t c);

std::string upperString(std::string_view text);
std::string lowerString(std::string_view text);

// str.strip/lstrip/rstrip: `chars` empty (absent) means whitespace.
std::string stripString(std::string_view text, bool left, bool right, const std::u32string* chars = nullptr);

}  // namespace confidant::inference::jinja
