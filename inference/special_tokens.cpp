// Special-token matching for the tokenizers.
#include "special_tokens.h"

#include <algorithm>

namespace confidant::inference {

SpecialTokenMatcher::SpecialTokenMatcher(const Vocabulary& vocabulary) : m_vocabulary(vocabulary) {
    for (size_t i = 0; i < vocabulary.size(); ++i) {
        const TokenType t = vocabulary.types[i];
        if ((t == TokenType::Control || t == TokenType::UserDefined) && !vocabulary.tokens[i].empty()) {
            m_tokens.push_back(TokenId(i));
            m_firstByte[uint8_t(vocabulary.tokens[i][0])] = true;
        }
    }
    // Longest first, so that at one position "<|a|b|>" wins over a prefix of it.
    std::stable_sort(m_tokens.begin(), m_tokens.end(), [&vocabulary](TokenId a, TokenId b) {
        return vocabulary.tokens[size_t(a)].size() > vocabulary.tokens[size_t(b)].size();
    });
}

SpecialTokenMatcher::Match SpecialTokenMatcher::findNext(std::string_view text, size_t from) const {
    for (size_t p = from; p < text.size(); ++p) {
        if (!m_firstByte[uint8_t(text[p])]) continue;
        for (TokenId id : m_tokens) {
            const std::string& s = m_vocabulary.tokens[size_t(id)];
            if (text.compare(p, s.size(), s) == 0) return {p, id, s.size()};
        }
    }
    return {text.size(), -1, 0};
}

}  // namespace confidant::inference
