// The interpreter's guards and error reporting: endless recursion, runaway loops and huge output
// are refused with a clear error instead of crashing or exhausting memory, and every error says
// where in the template it happened.
#include <gtest/gtest.h>

#include <thread>

#include "chat/jinja.h"

namespace {

using namespace confidant::inference::jinja;

struct Rendered {
    bool ok = false;
    std::string text;  // output, or the error message
    TemplateFailure failure;
};

Rendered render(const std::string& source, const RenderLimits& limits = {}, const Variables& variables = {}) {
    Rendered r;
    auto t = Template::parse(source);
    if (!t) {
        r.text = t.error().message;
        r.failure.kind = FailureKind::Syntax;
        return r;
    }
    auto out = t->render(variables, limits, &r.failure);
    r.ok = out.ok();
    r.text = out.ok() ? *out : out.error().message;
    return r;
}

TEST(JinjaGuards, EndlessMacroRecursionIsRefused) {
    const Rendered r = render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.failure.kind, FailureKind::Limit);
    EXPECT_NE(r.text.find("macro 'f' recursed more than 100 calls deep"), std::string::npos) << r.text;
}

TEST(JinjaGuards, BoundedRecursionWithinTheLimitWorks) {
    const Rendered r = render("{% macro count(n) %}{% if n > 0 %}{{ n }}{{ count(n - 1) }}{% endif %}{% endmacro %}{{ count(50)|length }}");
    ASSERT_TRUE(r.ok) << r.text;
    EXPECT_EQ(r.text, "91");  // 9 one-digit and 41 two-digit numbers
}

TEST(JinjaGuards, MutualRecursionThroughMacrosStopsAtTheEvaluationDepth) {
    RenderLimits limits;
    limits.maxCallDepth = 1'000'000;  // leave it to the evaluation-depth guard
    const Rendered r = render("{% macro a() %}{{ b() }}{% endmacro %}{% macro b() %}{{ a() }}{% endmacro %}{{ a() }}", limits);
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.failure.kind, FailureKind::Limit);
    EXPECT_NE(r.text.find("deeper than"), std::string::npos) << r.text;
}

TEST(JinjaGuards, OutputSizeIsLimited) {
    RenderLimits limits;
    limits.maxOutputBytes = 1000;
    const Rendered loop = render("{% for i in range(2000) %}x{% endfor %}", limits);
    ASSERT_FALSE(loop.ok);
    EXPECT_EQ(loop.failure.kind, FailureKind::Limit);
    EXPECT_NE(loop.text.find("limit of 1000 bytes"), std::string::npos) << loop.text;
    // Strings built in expressions are checked before they are allocated.
    const Rendered repeat = render("{% set s = 'abc' * 1000000000000 %}", limits);
    ASSERT_FALSE(repeat.ok);
    EXPECT_EQ(repeat.failure.kind, FailureKind::Limit);
    const Rendered doubling = render("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", limits);
    ASSERT_FALSE(doubling.ok);
    EXPECT_EQ(doubling.failure.kind, FailureKind::Limit);
    EXPECT_TRUE(render("{% for i in range(999) %}x{% endfor %}", limits).ok);
}

TEST(JinjaGuards, RenderTimeIsLimited) {
    // 10^10 iterations of nested loops, each loop within the range limit and the iteration limit
    // lifted: only the clock stops it.
    RenderLimits limits;
    limits.maxLoopIterations = UINT64_MAX;
    limits.maxRenderTime = std::chrono::milliseconds(50);
    const Rendered r = render("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", limits);
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.failure.kind, FailureKind::Limit);
    EXPECT_NE(r.text.find("longer than 50 ms"), std::string::npos) << r.text;
    // Endless recursion that stays under the depth limits (a macro calling itself twice per level)
    // is stopped the same way.
    const Rendered tree = render(
        "{% macro t(n) %}{% if n > 0 %}{{ t(n - 1) }}{{ t(n - 1) }}{% endif %}{% endmacro %}{{ t(40) }}", limits);
    ASSERT_FALSE(tree.ok);
    EXPECT_EQ(tree.failure.kind, FailureKind::Limit);
}

TEST(JinjaGuards, LoopIterationsAndRangesAreLimited) {
    RenderLimits limits;
    limits.maxLoopIterations = 10'000;
    limits.maxRenderTime = std::chrono::minutes(5);  // the iteration limit is under test, on a loaded machine too
    const Rendered nested = render("{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}", limits);
    ASSERT_FALSE(nested.ok);
    EXPECT_EQ(nested.failure.kind, FailureKind::Limit);
    EXPECT_NE(nested.text.find("loop iterations"), std::string::npos) << nested.text;
    const Rendered huge = render("{{ range(10000000000)|length }}");
    ASSERT_FALSE(huge.ok);
    EXPECT_EQ(huge.failure.kind, FailureKind::Limit);
}

TEST(JinjaGuards, DeepNestingIsRefusedAtParseTime) {
    const std::string deep = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
    const Rendered r = render(deep);
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.failure.kind, FailureKind::Syntax);
    EXPECT_NE(r.text.find("nests deeper than"), std::string::npos) << r.text;
    std::string blocks;
    for (int i = 0; i < 1000; ++i) blocks += "{% if true %}";
    EXPECT_FALSE(render(blocks).ok);
}

TEST(JinjaErrors, SyntaxErrorsNameLineAndColumn) {
    Rendered r = render("line one\n{{ 'ok' }}\n  {% if x %}\n{% endfor %}");
    ASSERT_FALSE(r.ok);
    EXPECT_NE(r.text.find("line 4, column 4"), std::string::npos) << r.text;
    r = render("{{ (1 }}");
    EXPECT_NE(r.text.find("line 1, column 7: unexpected '}', expected ')'"), std::string::npos) << r.text;
    r = render("ab\n  {{ 'unterminated }}");
    EXPECT_NE(r.text.find("line 2, column 6: unterminated string literal"), std::string::npos) << r.text;
    r = render("{% if x %}never closed");
    EXPECT_NE(r.text.find("expected '{% endif %}'"), std::string::npos) << r.text;
    r = render("{% include 'other.jinja' %}");
    EXPECT_NE(r.text.find("not supported"), std::string::npos) << r.text;
    r = render("{# open comment");
    EXPECT_NE(r.text.find("line 1, column 1: missing end of comment"), std::string::npos) << r.text;
}

TEST(JinjaErrors, RuntimeErrorsNameLineAndColumn) {
    Rendered r = render("first\n  {{ 'a' + 1 }}");
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.failure.kind, FailureKind::Runtime);
    EXPECT_EQ(r.failure.line, 2);
    EXPECT_EQ(r.failure.column, 10);
    EXPECT_NE(r.text.find("can only concatenate str"), std::string::npos) << r.text;
    r = render("{{ missing.attribute }}");
    EXPECT_EQ(r.failure.message, "'missing' is undefined");
    r = render("{{ x | nosuch }}");
    EXPECT_EQ(r.failure.message, "no filter named 'nosuch'");
    r = render("\n\n{% set n = 5 %}{% set n.a = 1 %}");
    EXPECT_EQ(r.failure.line, 3);
    EXPECT_NE(r.failure.message.find("non-namespace"), std::string::npos);
}

TEST(JinjaErrors, RaiseExceptionCarriesTheTemplatesMessage) {
    Variables variables = {{"raise_exception", Value::function([](const CallArgs& args) -> Value {
                                fail(args.positional.at(0).str(), FailureKind::Raised);
                            })}};
    const Rendered r = render("{% if true %}\n   {{ raise_exception('Roles must alternate') }}{% endif %}", {}, variables);
    ASSERT_FALSE(r.ok);
    EXPECT_EQ(r.failure.kind, FailureKind::Raised);
    EXPECT_EQ(r.failure.message, "Roles must alternate");
    EXPECT_EQ(r.failure.line, 2);
    EXPECT_EQ(r.text, "line 2, column 7: Roles must alternate");
}

TEST(JinjaTemplate, OneParsedTemplateRendersOnManyThreads) {
    auto t = Template::parse("{% for i in range(n) %}{{ i }}{% endfor %}");
    ASSERT_TRUE(t.ok());
    std::vector<std::string> results(4);
    std::vector<std::thread> threads;
    for (int k = 0; k < 4; ++k) {
        threads.emplace_back([&, k] {
            auto out = t->render({{"n", Value(int64_t(k + 3))}});
            results[size_t(k)] = out ? *out : out.error().message;
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(results[0], "012");
    EXPECT_EQ(results[3], "012345");
}

TEST(JinjaTemplate, TojsonTakesJsonDumpsOptions) {
    // Expected output from Python: json.dumps with the same arguments.
    Variables variables = {{"x", Value::dict()}};
    DictData& x = variables[0].second.asDict();
    x.set(Value("b"), Value("\u00fc\U0001F642\u0007"));
    x.set(Value("a"), Value::list({Value(1.5), Value(nullptr), Value(true)}));
    const Rendered r = render("{{ x|tojson(ensure_ascii=True) }}|{{ x|tojson(separators=(',', ':')) }}|"
                              "{{ x|tojson(sort_keys=true, indent=1) }}|{{ [[], {}, [1]]|tojson(indent=2) }}",
                              {}, variables);
    ASSERT_TRUE(r.ok) << r.text;
    EXPECT_EQ(r.text,
              "{\"b\": \"\\u00fc\\ud83d\\ude42\\u0007\", \"a\": [1.5, null, true]}|"
              "{\"b\":\"\u00fc\U0001F642\\u0007\",\"a\":[1.5,null,true]}|"
              "{\n \"a\": [\n  1.5,\n  null,\n  true\n ],\n \"b\": \"\u00fc\U0001F642\\u0007\"\n}|"
              "[\n  [],\n  {},\n  [\n    1\n  ]\n]");
}

TEST(JinjaTemplate, PythonFloatFormatting) {
    EXPECT_EQ(formatPythonFloat(1.0), "1.0");
    EXPECT_EQ(formatPythonFloat(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(formatPythonFloat(1e16), "1e+16");
    EXPECT_EQ(formatPythonFloat(1e15), "1000000000000000.0");
    EXPECT_EQ(formatPythonFloat(0.0001), "0.0001");
    EXPECT_EQ(formatPythonFloat(0.00001), "1e-05");
    EXPECT_EQ(formatPythonFloat(-2.5), "-2.5");
    EXPECT_EQ(formatPythonFloat(123456.789), "123456.789");
}

}  // namespace
