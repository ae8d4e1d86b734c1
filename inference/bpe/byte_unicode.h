// GPT-2's reversible byte <-> unicode mapping: byte-level BPE vocabularies spell every byte as one
// printable code point (a space is "Ġ" U+0120, a newline "Ċ" U+010A), so tokens are valid text.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace confidant::inference::bpe {

// The code point that stands for `byte` (printable bytes map to themselves, the others to 256+).
char32_t byteToCodePoint(uint8_t byte);

// The UTF-8 spelling of `byte` in the vocabulary, e.g. "\xC4\xA0" ("Ġ") for 0x20.
const std::string& byteToVocabText(uint8_t byte);

// Spells raw bytes the way the vocabulary does.
std::string bytesToVocabText(std::string_view bytes);

// The inverse: the raw bytes a vocabulary spelling stands for. Code points outside the mapping
// (which a well-formed byte-level vocabulary does not contain) are kept as their UTF-8 text.
std::string vocabTextToBytes(std::string_view text);

}  // namespace confidant::inference::bpe
