// Shared bits of the fuzz targets: where the test data is (for vocabularies to load once).
#pragma once

#include <cstdlib>
#include <string>

namespace confidant::fuzz {

inline std::string testDataPath(const std::string& relative) {
    const char* env = std::getenv("CONFIDANT_TESTDATA");
    return std::string(env && *env ? env : CONFIDANT_DEFAULT_TESTDATA) + "/" + relative;
}

}  // namespace confidant::fuzz
