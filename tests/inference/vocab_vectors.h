// Reads llama.cpp-style tokenizer vectors: `.inp` holds strings separated by the line
// "__ggml_vocab_test__", `.out` one line of space-separated ids per string.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "vocabulary.h"

namespace confidant::testing {

struct VocabVector {
    std::string text;
    std::vector<inference::TokenId> ids;
};

inline std::vector<VocabVector> readVocabVectors(const std::filesystem::path& inp, const std::filesystem::path& out) {
    std::ifstream in(inp, std::ios::binary);
    const std::string all((std::istreambuf_iterator<char>(in)), {});
    // Each string ends with "\n__ggml_vocab_test__\n"; the newline before the marker is not part of it.
    const std::string separator = "\n__ggml_vocab_test__\n";
    std::vector<VocabVector> cases;
    size_t pos = 0;
    while (pos < all.size()) {
        const size_t end = all.find(separator, pos);
        if (end == std::string::npos) break;
        cases.push_back({all.substr(pos, end - pos), {}});
        pos = end + separator.size();
    }
    std::ifstream ids(out);
    std::string line;
    for (auto& c : cases) {
        if (!std::getline(ids, line)) break;
        std::istringstream words(line);
        long long id;
        while (words >> id) c.ids.push_back(inference::TokenId(id));
    }
    return cases;
}

}  // namespace confidant::testing
