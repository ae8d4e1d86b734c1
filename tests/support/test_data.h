// Locating ../shared/testdata from tests. A missing file skips the test with the reason, unless
// CONFIDANT_REQUIRE_TESTDATA=1 (as in CI), where it fails.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

namespace confidant::testing {

// The test-data folder: $CONFIDANT_TESTDATA, else the path configured at build time.
std::filesystem::path testDataDir();
bool testDataRequired();

}  // namespace confidant::testing

// Declares `var` as the path of `relative` inside the test data, or ends the test.
#define CONFIDANT_TESTDATA_FILE(var, relative)                                                         \
    const std::filesystem::path var = ::confidant::testing::testDataDir() / (relative);                \
    if (!std::filesystem::exists(var)) {                                                               \
        if (::confidant::testing::testDataRequired()) FAIL() << "missing test data: " << var.string(); \
        GTEST_SKIP() << "test data not found: " << var.string() << " (set CONFIDANT_TESTDATA)";        \
    }
