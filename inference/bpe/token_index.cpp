// Linear-probing tables with a multiply-xorshift hash.
#include "bpe/token_index.h"

#include <cstring>

namespace confidant::inference::bpe {
namespace {

uint64_t mix(uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

}  // namespace

uint64_t hashBytes(std::string_view bytes) {
    uint64_t h = 0x9E3779B97F4A7C15ull ^ bytes.size();
    size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        h = (h ^ word) * 0x9E3779B97F4A7C15ull;
        h ^= h >> 29;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, bytes.data() + i, bytes.size() - i);
    return mix(h ^ tail);
}

void TokenIndex::insert(TokenIndexId id) {
    const std::string& key = (*m_keys)[size_t(id)];
    const uint64_t h = hashBytes(key);
    const uint32_t tag = uint32_t(h >> 32);
    for (size_t i = h & m_mask;; i = (i + 1) & m_mask) {
        Slot& slot = m_slots[i];
        if (slot.id < 0) {
            slot = {tag, id};
            return;
        }
        if (slot.tag == tag && (*m_keys)[size_t(slot.id)] == key) return;  // first one wins
    }
}

TokenIndexId TokenIndex::find(std::string_view text, uint64_t h) const {
    const uint32_t tag = uint32_t(h >> 32);
    for (size_t i = h & m_mask;; i = (i + 1) & m_mask) {
        const Slot& slot = m_slots[i];
        if (slot.id < 0) return -1;
        if (slot.tag == tag && (*m_keys)[size_t(slot.id)] == text) return slot.id;
    }
}

MergeTable::MergeTable(size_t expected) {
    size_t capacity = 16;
    while (capacity < expected + expected / 2) capacity *= 2;  // load factor at most 2/3
    m_slots.assign(capacity, Slot{k_empty, {0, 0}});
    m_mask = capacity - 1;
}

void MergeTable::insert(TokenIndexId left, TokenIndexId right, Merge merge) {
    const uint64_t key = (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
    for (size_t i = mix(key) & m_mask;; i = (i + 1) & m_mask) {
        Slot& slot = m_slots[i];
        if (slot.key == k_empty) {
            slot = {key, merge};
            ++m_size;
            return;
        }
        if (slot.key == key) return;
    }
}

const Merge* MergeTable::find(TokenIndexId left, TokenIndexId right) const {
    const uint64_t key = (uint64_t(uint32_t(left)) << 32) | uint32_t(right);
    for (size_t i = mix(key) & m_mask;; i = (i + 1) & m_mask) {
        const Slot& slot = m_slots[i];
        if (slot.key == key) return &slot.merge;
        if (slot.key == k_empty) return nullptr;
    }
}

}  // namespace confidant::inference::bpe
