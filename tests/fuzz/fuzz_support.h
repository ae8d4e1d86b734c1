// Shared bits of the fuzz targets: where the test data is (for vocabularies to load once).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "tokenizer.h"

namespace confidant::fuzz {

inline std::string testDataPath(const std::string& relative) {
    const char* env = std::getenv("CONFIDANT_TESTDATA");
    return std::string(env && *env ? env : CONFIDANT_DEFAULT_TESTDATA) + "/" + relative;
}

// The tokenizer of a vocabulary file from the test data; exits the fuzzer when it cannot load.
inline std::unique_ptr<inference::Tokenizer> loadTokenizer(const std::string& relative) {
    using namespace inference;
    auto file = GgufFile::open(testDataPath(relative));
    auto vocabulary = file ? Vocabulary::fromGguf(**file) : Result<Vocabulary>(file.error());
    auto tokenizer = vocabulary ? Tokenizer::create(std::move(*vocabulary)) : Result<std::unique_ptr<Tokenizer>>(vocabulary.error());
    if (!tokenizer) {
        std::fprintf(stderr, "fuzz: cannot load %s: %s\n", relative.c_str(), tokenizer.error().message.c_str());
        std::exit(1);
    }
    return std::move(*tokenizer);
}

}  // namespace confidant::fuzz
