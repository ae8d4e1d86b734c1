// The GPT-2 byte <-> unicode tables, built once.
#include "bpe/byte_unicode.h"

#include <vector>

namespace confidant::inference::bpe {
namespace {

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

struct Tables {
    std::array<char32_t, 256> codePoint{};
    std::array<std::string, 256> text;
    std::vector<int16_t> byteOf;  // indexed by code point; -1 where no byte maps there

    Tables() {
        // Printable Latin-1 bytes keep their own code point; the rest take 256, 257, ... in order.
        char32_t next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            codePoint[size_t(b)] = printable ? char32_t(b) : next++;
        }
        byteOf.assign(size_t(next), -1);
        for (int b = 0; b < 256; ++b) {
            appendUtf8(text[size_t(b)], codePoint[size_t(b)]);
            byteOf[codePoint[size_t(b)]] = int16_t(b);
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

}  // namespace

char32_t byteToCodePoint(uint8_t byte) { return tables().codePoint[byte]; }

const std::string& byteToVocabText(uint8_t byte) { return tables().text[byte]; }

std::string bytesToVocabText(std::string_view bytes) {
    const Tables& t = tables();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) out += t.text[uint8_t(c)];
    return out;
}

std::string vocabTextToBytes(std::string_view text) {
    const Tables& t = tables();
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        const uint8_t lead = uint8_t(text[i]);
        size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        if (length == 0 || i + length > text.size()) {
            out.push_back(char(lead));  // not UTF-8: kept as is
            ++i;
            continue;
        }
        char32_t cp = length == 1 ? lead : length == 2 ? (lead & 0x1F) : length == 3 ? (lead & 0x0F) : (lead & 0x07);
        bool valid = true;
        for (size_t k = 1; k < length; ++k) {
            const uint8_t c = uint8_t(text[i + k]);
            if ((c & 0xC0) != 0x80) valid = false;
            cp = (cp << 6) | (c & 0x3F);
        }
        if (!valid) {
            out.push_back(char(lead));
            ++i;
            continue;
        }
        if (cp < t.byteOf.size() && t.byteOf[cp] >= 0) out.push_back(char(t.byteOf[cp]));
        else out.append(text.substr(i, length));
        i += length;
    }
    return out;
}

}  // namespace confidant::inference::bpe
