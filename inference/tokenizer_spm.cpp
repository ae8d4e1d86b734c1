// Sentencepiece-style vocabularies (tokenizer.ggml.model = "llama": Llama 1/2, TinyLlama, Mistral
// v0.1, llama2.c models). The GGUF's pieces, scores and types are written into a sentencepiece
// ModelProto (serialized by hand: Debian ships the library but not its .proto header) and the
// library does the encoding, so that our results are sentencepiece's own.
#include <sentencepiece_processor.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "special_tokens.h"
#include "tokenizer.h"

namespace confidant::inference {
namespace {

// Minimal protobuf wire-format writer: just the field kinds the ModelProto needs.
class ProtoWriter {
public:
    void varint(uint32_t field, uint64_t value) {
        tag(field, 0);
        raw(value);
    }
    void boolean(uint32_t field, bool value) { varint(field, value ? 1 : 0); }
    void float32(uint32_t field, float value) {
        tag(field, 5);
        char bytes[4];
        std::memcpy(bytes, &value, 4);
        m_out.append(bytes, 4);
    }
    void bytes(uint32_t field, std::string_view value) {
        tag(field, 2);
        raw(value.size());
        m_out.append(value);
    }
    const std::string& data() const { return m_out; }

private:
    void tag(uint32_t field, uint32_t wireType) { raw((uint64_t(field) << 3) | wireType); }
    void raw(uint64_t v) {
        while (v >= 0x80) {
            m_out.push_back(char((v & 0x7F) | 0x80));
            v >>= 7;
        }
        m_out.push_back(char(v));
    }
    std::string m_out;
};

// Field numbers from sentencepiece_model.proto.
namespace field {
constexpr uint32_t modelPieces = 1, modelTrainerSpec = 2, modelNormalizerSpec = 3;
constexpr uint32_t pieceText = 1, pieceScore = 2, pieceType = 3;
constexpr uint32_t trainerModelType = 3, trainerVocabSize = 4, trainerByteFallback = 35, trainerUnkId = 40,
                   trainerBosId = 41, trainerEosId = 42, trainerPadId = 43;
constexpr uint32_t normalizerName = 1, normalizerAddDummyPrefix = 3, normalizerRemoveExtraWhitespaces = 4,
                   normalizerEscapeWhitespaces = 5;
constexpr uint64_t modelTypeBpe = 2;
}  // namespace field

const std::string k_spaceMarker = "\xE2\x96\x81";  // U+2581, sentencepiece's visible space

// "<0xNN>" with two upper-case hex digits, as sentencepiece names its byte pieces; -1 otherwise.
int bytePieceValue(std::string_view piece) {
    const auto hex = [](char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; };
    if (piece.size() != 6 || piece.substr(0, 3) != "<0x" || piece[5] != '>') return -1;
    const int high = hex(piece[3]), low = hex(piece[4]);
    return high < 0 || low < 0 ? -1 : high * 16 + low;
}

// The piece types the sentencepiece library is given. GGUF vocabularies carry pieces the library
// refuses although llama.cpp runs them (Phi-3's [PAD32011].. typed UNKNOWN besides <unk>, repeated
// or empty texts, byte pieces without the full set of 256); those become CONTROL pieces with
// unique placeholder texts, which the library keeps but never produces when encoding. The
// vocabulary itself keeps the real texts and types: decoding reads only it.
struct ProtoPiece {
    std::string text;
    TokenType type;
};

std::vector<ProtoPiece> protoPieces(const Vocabulary& v, TokenId unknown) {
    std::array<bool, 256> byteSeen{};
    int distinctBytes = 0;
    for (size_t i = 0; i < v.size(); ++i) {
        const int value = v.types[i] == TokenType::Byte ? bytePieceValue(v.tokens[i]) : -1;
        if (value >= 0 && !byteSeen[size_t(value)]) {
            byteSeen[size_t(value)] = true;
            ++distinctBytes;
        }
    }
    const bool byteFallback = distinctBytes == 256;

    // A text given twice names its last id, as in llama.cpp's lookup; earlier ones are renamed.
    std::unordered_map<std::string_view, size_t> lastWithText;
    for (size_t i = 0; i < v.size(); ++i) lastWithText[v.tokens[i]] = i;
    std::unordered_set<std::string> placeholders;

    std::vector<ProtoPiece> pieces(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
        TokenType type = v.types[i];
        if (type == TokenType::Undefined) type = TokenType::Normal;  // sentencepiece has no such type
        if (TokenId(i) == unknown) type = TokenType::Unknown;       // the library takes unk from the type
        else if (type == TokenType::Unknown) type = TokenType::Control;
        if (type == TokenType::Byte && (!byteFallback || bytePieceValue(v.tokens[i]) < 0)) type = TokenType::Control;
        std::string text = v.tokens[i];
        if (text.empty() || lastWithText[text] != i) {
            text = "<confidant:reserved:" + std::to_string(i) + ">";
            while (lastWithText.count(text) || placeholders.count(text)) text += "'";
            placeholders.insert(text);
            if (type != TokenType::Unknown) type = TokenType::Control;
        }
        pieces[i] = {std::move(text), type};
    }
    return pieces;
}

std::string serializeModel(const Vocabulary& v, TokenId unknown) {
    ProtoWriter model;
    bool hasBytePieces = false;
    const std::vector<ProtoPiece> pieces = protoPieces(v, unknown);
    for (size_t i = 0; i < pieces.size(); ++i) {
        ProtoWriter piece;
        piece.bytes(field::pieceText, pieces[i].text);
        piece.float32(field::pieceScore, v.scores.empty() ? 0.0f : v.scores[i]);
        piece.varint(field::pieceType, uint64_t(pieces[i].type));
        hasBytePieces = hasBytePieces || pieces[i].type == TokenType::Byte;
        model.bytes(field::modelPieces, piece.data());
    }
    ProtoWriter trainer;
    trainer.varint(field::trainerModelType, field::modelTypeBpe);
    trainer.varint(field::trainerVocabSize, v.size());
    trainer.boolean(field::trainerByteFallback, hasBytePieces);
    // Negative ids are written as 64-bit two's complement varints, as protobuf does for int32.
    trainer.varint(field::trainerUnkId, uint64_t(int64_t(unknown)));
    trainer.varint(field::trainerBosId, uint64_t(int64_t(v.bos)));
    trainer.varint(field::trainerEosId, uint64_t(int64_t(v.eos)));
    trainer.varint(field::trainerPadId, uint64_t(int64_t(v.pad)));
    model.bytes(field::modelTrainerSpec, trainer.data());

    // The dummy prefix is added by SentencePieceTokenizer::encode itself (Llama adds it to every
    // text fragment that starts the input or follows a special token), so the library's is off.
    ProtoWriter normalizer;
    normalizer.bytes(field::normalizerName, "identity");
    normalizer.boolean(field::normalizerAddDummyPrefix, false);
    normalizer.boolean(field::normalizerRemoveExtraWhitespaces, false);
    normalizer.boolean(field::normalizerEscapeWhitespaces, true);
    model.bytes(field::modelNormalizerSpec, normalizer.data());
    return model.data();
}

class SentencePieceTokenizer final : public Tokenizer {
public:
    explicit SentencePieceTokenizer(Vocabulary vocabulary)
        : Tokenizer(std::move(vocabulary)), m_specials(m_vocabulary) {}

    Result<void> load() {
        m_unknown = m_vocabulary.unk;
        if (m_unknown < 0) {
            // Without a named or typed one, llama.cpp takes id 0, as sentencepiece's trainer places it.
            const auto found = std::find(m_vocabulary.types.begin(), m_vocabulary.types.end(), TokenType::Unknown);
            m_unknown = found == m_vocabulary.types.end() ? 0 : TokenId(found - m_vocabulary.types.begin());
        }
        const auto status = m_processor.LoadFromSerializedProto(serializeModel(m_vocabulary, m_unknown));
        if (!status.ok()) return makeError("the sentencepiece vocabulary is inconsistent: " + std::string(status.message()));
        return {};
    }

    std::vector<TokenId> encode(std::string_view text, const EncodeOptions& options) const override {
        std::vector<TokenId> ids;
        if (options.addBos && m_vocabulary.bos >= 0) ids.push_back(m_vocabulary.bos);
        m_specials.split(
            text, options.parseSpecial,
            [&](std::string_view fragment, bool startsSegment) { encodeFragment(fragment, startsSegment, ids); },
            [&](TokenId id) { ids.push_back(id); });
        return ids;
    }

    std::string tokenText(TokenId id, TokenId previous, bool renderSpecial) const override {
        if (!m_vocabulary.isValid(id)) return {};
        const std::string& piece = m_vocabulary.tokens[size_t(id)];
        // As llama.cpp decodes: control and unknown pieces are text only when asked for, user-defined
        // pieces are their text as written, unused ones are nothing.
        switch (m_vocabulary.typeOf(id)) {
            case TokenType::Control:
            case TokenType::Unknown: return renderSpecial ? piece : std::string();
            case TokenType::UserDefined: return piece;
            case TokenType::Unused: return {};
            case TokenType::Byte: {
                const int value = bytePieceValue(piece);
                return value >= 0 ? std::string(1, char(value)) : piece;
            }
            default: break;
        }
        std::string text;
        text.reserve(piece.size());
        for (size_t i = 0; i < piece.size();) {
            if (piece.compare(i, k_spaceMarker.size(), k_spaceMarker) == 0) {
                text.push_back(' ');
                i += k_spaceMarker.size();
            } else {
                text.push_back(piece[i++]);
            }
        }
        // The dummy prefix added when encoding is not part of the text.
        const bool startsText = previous < 0 || previous == m_vocabulary.bos;
        if (startsText && m_vocabulary.addSpacePrefix && !text.empty() && text[0] == ' ') text.erase(0, 1);
        return text;
    }

private:
    void encodeFragment(std::string_view fragment, bool startsSegment, std::vector<TokenId>& ids) const {
        std::string input;
        if (startsSegment && m_vocabulary.addSpacePrefix) input = " ";
        input.append(fragment);
        std::vector<int> pieces;
        // The library fails only without a loaded model, which load() rules out; should it fail
        // anyway, the fragment shows up as the unknown token instead of vanishing.
        if (!m_processor.Encode(input, &pieces).ok()) pieces.assign(1, m_unknown);
        ids.insert(ids.end(), pieces.begin(), pieces.end());
    }

    sentencepiece::SentencePieceProcessor m_processor;
    TokenId m_unknown = -1;
    SpecialTokenMatcher m_specials;
};

}  // namespace

Result<std::unique_ptr<Tokenizer>> createSentencePieceTokenizer(Vocabulary vocabulary) {
    auto tokenizer = std::make_unique<SentencePieceTokenizer>(std::move(vocabulary));
    if (auto loaded = tokenizer->load(); !loaded) return loaded.error();
    return std::unique_ptr<Tokenizer>(std::move(tokenizer));
}

}  // namespace confidant::inference
