// Chat templates are programs from a model file (issue #18): a namespace that contains itself,
// values nested 200,000 deep and memory bombs are refused with a limit error, never a stack
// overflow, a leak or an unbounded allocation.
#include <gtest/gtest.h>

#include "chat/jinja.h"

namespace {

using namespace confidant::inference::jinja;

struct Rendered {
    bool ok = false;
    std::string text;
    TemplateFailure failure;
};

Rendered render(const std::string& source, const RenderLimits& limits = {}) {
    Rendered r;
    auto t = Template::parse(source);
    if (!t) {
        r.text = t.error().message;
        return r;
    }
    auto out = t->render({}, limits, &r.failure);
    r.ok = out.ok();
    r.text = out.ok() ? *out : out.error().message;
    return r;
}

TEST(JinjaHostile, ANamespaceThatContainsItselfIsRefusedWhenPrintedOrSerialised) {
    for (const char* use : {"{{ ns }}", "{{ ns | tojson }}", "{{ [ns] | string }}", "{{ ns == ns.me.me }}"}) {
        const Rendered r = render(std::string("{% set ns = namespace(a=1) %}{% set ns.me = ns %}") + use);
        if (std::string(use).find("==") != std::string::npos) {
            EXPECT_TRUE(r.ok) << r.text;  // namespaces compare by identity: no walk
            continue;
        }
        ASSERT_FALSE(r.ok) << use;
        EXPECT_EQ(r.failure.kind, FailureKind::Limit) << use;
        EXPECT_NE(r.text.find("nests deeper than 256 levels (or contains itself)"), std::string::npos) << r.text;
    }
    // The cycle is broken when the render ends (LeakSanitizer checks this in the sanitize build).
    EXPECT_TRUE(render("{% set ns = namespace() %}{% set ns.me = ns %}ok").ok);
}

TEST(JinjaHostile, DeeplyNestedListsAreRefusedAtTheNestingLimit) {
    const Rendered r = render(
        "{% set ns = namespace(x=[]) %}{% for i in range(200000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.failure.kind, FailureKind::Limit);
    EXPECT_NE(r.text.find("a value nests deeper than 256 levels"), std::string::npos) << r.text;
}

// 200,000 nested lists overflowed the stack when the last reference went away.
TEST(JinjaHostile, AValueNested200000DeepIsDestroyedWithoutRecursion) {
    Value v = Value::list();
    for (int i = 0; i < 200000; ++i) v = Value::list({v});
    Value d = Value::dict();
    for (int i = 0; i < 200000; ++i) {
        Value outer = Value::dict();
        outer.asDict().set(Value("inner"), d);
        d = outer;
    }
    v = Value(nullptr);
    d = Value(nullptr);
    SUCCEED();
}

// [s] * 1000 with a 16 MB string checked only the item count; the app grew to 4.9 GB.
TEST(JinjaHostile, ListsThatWouldHoldMoreThanTheMemoryLimitAreRefusedBeforeTheyAreBuilt) {
    RenderLimits limits;
    limits.maxRenderTime = std::chrono::minutes(5);  // the memory limit is under test, on a slow machine too
    const Rendered repeated = render("{% set s = 'x' * 16000000 %}{{ ([s] * 1000) | length }}", limits);
    ASSERT_FALSE(repeated.ok);
    EXPECT_EQ(repeated.failure.kind, FailureKind::Limit);
    EXPECT_NE(repeated.text.find("would hold more than 64 MiB in lists and dicts (the limit of a render)"), std::string::npos) << repeated.text;

    const Rendered grown = render(
        "{% set s = 'x' * 10000000 %}{% set ns = namespace(l=[]) %}"
        "{% for i in range(100) %}{% set ns.l = ns.l + [s ~ i] %}{% endfor %}{{ ns.l | length }}",
        limits);
    ASSERT_FALSE(grown.ok);
    EXPECT_NE(grown.text.find("64 MiB"), std::string::npos) << grown.text;

    EXPECT_EQ(render("{% set s = 'x' * 1000 %}{{ ([s] * 1000) | length }}").text, "1000");
}

// The clock was read only between evaluation steps, so one long built-in operation ran to its end.
TEST(JinjaHostile, TheClockIsCheckedInsideLongRepetitions) {
    RenderLimits limits;
    limits.maxRenderTime = std::chrono::milliseconds(0);
    const Rendered r = render("{{ ('xy' * 5000000) | length }}", limits);
    ASSERT_FALSE(r.ok);
    EXPECT_NE(r.text.find("the template ran longer than 0 ms"), std::string::npos) << r.text;
}

}  // namespace
