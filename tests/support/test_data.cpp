// Test-data location from the environment or the build configuration.
#include "test_data.h"

#include <cstdlib>

namespace confidant::testing {

std::filesystem::path testDataDir() {
    if (const char* env = std::getenv("CONFIDANT_TESTDATA"); env && *env) return env;
    return CONFIDANT_DEFAULT_TESTDATA;
}

bool testDataRequired() {
    const char* env = std::getenv("CONFIDANT_REQUIRE_TESTDATA");
    return env && std::string(env) == "1";
}

}  // namespace confidant::testing
