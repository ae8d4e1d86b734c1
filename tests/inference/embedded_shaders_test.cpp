// The build compiles shaders/*.comp with glslc and embeds valid SPIR-V in the engine.
#include <gtest/gtest.h>

#include <algorithm>

#include "embedded_shaders.h"

namespace confidant::shaders {
namespace {

TEST(EmbeddedShaders, EveryShaderIsSpirV) {
    const auto all = names();
    ASSERT_FALSE(all.empty());
    for (auto name : all) {
        const auto words = find(name);
        ASSERT_GE(words.size(), 5u) << name;
        EXPECT_EQ(words[0], 0x07230203u) << name << " does not start with the SPIR-V magic number";
    }
    EXPECT_TRUE(find("no_such_shader").empty());
}

}  // namespace
}  // namespace confidant::shaders
