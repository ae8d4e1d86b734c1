// Finding control and user-defined token text (e.g. "<|eot_id|>") inside a prompt, shared by the
// tokenizers for their `parseSpecial` mode: leftmost occurrence, longest token at a position.
#pragma once

#include <array>
#include <string_view>
#include <vector>

#include "vocabulary.h"

namespace confidant::inference {

class SpecialTokenMatcher {
public:
    explicit SpecialTokenMatcher(const Vocabulary& vocabulary);

    struct Match {
        size_t at = 0;      // byte offset in the text
        TokenId id = -1;
        size_t length = 0;  // bytes of the token's text
    };
    // The first special token in text[from..]; id -1 when there is none.
    Match findNext(std::string_view text, size_t from) const;

    // Calls onText(fragment, startsSegment) for each stretch of ordinary text and onSpecial(id)
    // for each special token, in order. startsSegment: at the start or right after a special token.
    template <typename OnText, typename OnSpecial>
    void split(std::string_view text, bool parseSpecial, OnText&& onText, OnSpecial&& onSpecial) const {
        bool startsSegment = true;
        size_t pos = 0;
        while (pos < text.size()) {
            const Match m = parseSpecial ? findNext(text, pos) : Match{text.size(), -1, 0};
            if (m.at > pos) {
                onText(text.substr(pos, m.at - pos), startsSegment);
                startsSegment = false;
            }
            if (m.id < 0) break;
            onSpecial(m.id);
            startsSegment = true;
            pos = m.at + m.length;
        }
    }

private:
    const Vocabulary& m_vocabulary;
    std::vector<TokenId> m_tokens;        // control + user-defined, longest first
    std::array<bool, 256> m_firstByte{};  // quick filter before comparing whole tokens
};

}  // namespace confidant::inference
