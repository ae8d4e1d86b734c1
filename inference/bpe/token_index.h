// Open-addressing lookup tables for the BPE tokenizer's hot paths: text -> token id and
// (left id, right id) -> merge. The standard node-based maps cost a cache miss per probe, which
// dominated both building the Llama 3 tables (128K tokens, 280K merges) and encoding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace confidant::inference::bpe {

using TokenIndexId = int32_t;

uint64_t hashBytes(std::string_view bytes);

// Finds the index of a string among `keys`. The index refers to `keys` and must not outlive it
// (nor see it modified). Of equal keys, the first wins.
class TokenIndex {
public:
    // Indexes keys[i] for every i where include(i) is true.
    template <typename Include>
    TokenIndex(const std::vector<std::string>& keys, Include include) : m_keys(&keys) {
        size_t capacity = 16;
        while (capacity < keys.size() * 2) capacity *= 2;
        m_slots.assign(capacity, Slot{0, -1});
        m_mask = capacity - 1;
        for (size_t i = 0; i < keys.size(); ++i)
            if (include(i)) insert(TokenIndexId(i));
    }

    // The id of `text`, or -1.
    TokenIndexId find(std::string_view text) const { return find(text, hashBytes(text)); }
    // The same with the hash computed already, e.g. to prefetch() a batch of lookups first.
    TokenIndexId find(std::string_view text, uint64_t hash) const;
    // Starts loading the slot a lookup with `hash` will read, so that many misses overlap.
    void prefetch(uint64_t hash) const { __builtin_prefetch(&m_slots[hash & m_mask]); }

private:
    struct Slot {
        uint32_t tag;  // high bits of the hash, to skip most string compares
        TokenIndexId id;
    };
    void insert(TokenIndexId id);

    const std::vector<std::string>* m_keys;
    std::vector<Slot> m_slots;
    size_t m_mask = 0;
};

struct Merge {
    int32_t rank;         // the index in tokenizer.ggml.merges: lower merges first
    TokenIndexId result;  // the token the pair becomes
};

// (left, right) token pair -> the merge that joins them.
class MergeTable {
public:
    explicit MergeTable(size_t expected);

    // Keeps the first merge given for a pair.
    void insert(TokenIndexId left, TokenIndexId right, Merge merge);
    // Null when the pair never merges.
    const Merge* find(TokenIndexId left, TokenIndexId right) const;
    size_t size() const { return m_size; }

private:
    struct Slot {
        uint64_t key;  // k_empty when unused
        Merge merge;
    };
    static constexpr uint64_t k_empty = ~uint64_t(0);
    std::vector<Slot> m_slots;
    size_t m_mask = 0;
    size_t m_size = 0;
};

}  // namespace confidant::inference::bpe
