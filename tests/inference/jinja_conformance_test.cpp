// Jinja semantics checked case by case against Python's Jinja2 3.1 (ImmutableSandboxedEnvironment
// with trim_blocks, lstrip_blocks and loopcontrols, and Hugging Face's tojson): each expected
// string below is what Jinja2 rendered for the template beside it, with the context in k_context.
#include <gtest/gtest.h>

#include "chat/chat_template.h"
#include "chat/jinja.h"

namespace {

using namespace confidant::inference;

const char* const k_context = R"J({"messages": [{"role": "system", "content": "Sys"}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Yo"}], "d": {"b": 2, "a": 1, "items": 5}, "n": 7, "f": 2.5, "s": "  Hello World  ", "l": [3, 1, 2], "names": ["b", "A", "c"], "tools": [{"type": "function", "function": {"name": "get", "description": "Get ünï", "parameters": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]}}}], "emptyl": [], "t": true, "nested": {"a": {"b": [1, {"c": "deep"}]}}})J";

struct Case {
    const char* source;
    const char* expected;  // null: Jinja2 raised
};

const Case k_cases[] = {
    {R"J({{ s|trim }}|{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|)J",
     R"J(Hello World|Hello World|Hello World  |  Hello World|)J"},
    {R"J({{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a b c'.split(' ', 1) }} {{ 'a-b-c'.rsplit('-', 1) }} {{ ' a b  c '.split(none, 1) }})J",
     R"J(['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b c'] ['a-b', 'c'] ['a', 'b  c '])J"},
    {R"J({{ l|sort }} {{ names|sort }} {{ l|sort(reverse=true) }} {{ l|max }} {{ l|min }} {{ l|sum }} {{ l|first }} {{ l|last }} {{ l|length }} {{ l|reverse|list }})J",
     R"J([1, 2, 3] ['A', 'b', 'c'] [3, 2, 1] 3 1 6 3 2 3 [2, 1, 3])J"},
    {R"J({% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %})J",
     R"J(b=2;a=1;items=5;)J"},
    {R"J({% for k in d %}{{ k }}{% endfor %} {{ d|length }})J",
     R"J(baitems 3)J"},
    {R"J({% for x in l if x > 1 %}{{ loop.index }}/{{ loop.length }}:{{ x }}{% if not loop.last %},{% endif %}{% endfor %})J",
     R"J(1/2:3,2/2:2)J"},
    {R"J({% for x in emptyl %}x{% else %}empty{% endfor %})J",
     R"J(empty)J"},
    {R"J({% for x in l %}{% if x == 1 %}{% continue %}{% endif %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %})J",
     R"J(3)J"},
    {R"J({% set ns = namespace(count=0) %}{% for m in messages %}{% set ns.count = ns.count + 1 %}{% endfor %}{{ ns.count }})J",
     R"J(3)J"},
    {R"J({% macro greet(name, punct='!') %}Hello {{ name }}{{ punct }}{% endmacro %}{{ greet('A') }} {{ greet('B', punct='?') }})J",
     R"J(Hello A! Hello B?)J"},
    {R"J({{ tools|tojson }})J",
     R"J([{"type": "function", "function": {"name": "get", "description": "Get ünï", "parameters": {"type": "object", "properties": {"x": {"type": "string"}}, "required": ["x"]}}}])J"},
    {R"J({{ tools[0]|tojson(indent=2) }})J",
     R"J({
  "type": "function",
  "function": {
    "name": "get",
    "description": "Get ünï",
    "parameters": {
      "type": "object",
      "properties": {
        "x": {
          "type": "string"
        }
      },
      "required": [
        "x"
      ]
    }
  }
})J"},
    {R"J({{ {'a': [1, 2.0, none, true, 'x"y\n\u0001'], 'b': {}}|tojson }})J",
     R"J({"a": [1, 2.0, null, true, "x\"y\n\u0001"], "b": {}})J"},
    {R"J({{ messages|selectattr('role', 'equalto', 'user')|map(attribute='content')|join(', ') }})J",
     R"J(Hi)J"},
    {R"J({{ messages|rejectattr('role', 'eq', 'system')|list|length }})J",
     R"J(2)J"},
    {R"J({{ l[1:] }} {{ l[:-1] }} {{ l[::-1] }} {{ s[2:7] }} {{ 'héllo'[::-1] }} {{ l[5:] }} {{ l[-10:2] }} {{ 'abcdef'[1::2] }})J",
     R"J([1, 2] [3, 1] [2, 1, 3] Hello olléh [] [3, 1] bdf)J"},
    {R"J({{ 'x' if t else 'y' }} {{ 'x' if not t else 'y' }} [{{ 'x' if false }}])J",
     R"J(x y [])J"},
    {R"J({{ n // 2 }} {{ n / 2 }} {{ n % 3 }} {{ -n // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ f * 2 }} {{ n + f }} {{ 1e3 }} {{ 0.1 + 0.2 }})J",
     R"J(3 3.5 1 -4 2 1024 5.0 9.5 1000.0 0.30000000000000004)J"},
    {R"J({{ 'a' ~ 1 ~ none ~ true ~ f }} {{ 'ab' * 3 }})J",
     R"J(a1NoneTrue2.5 ababab)J"},
    {R"J({{ n is defined }} {{ zz is defined }} {{ zz is undefined }} {{ none is none }} {{ s is string }} {{ n is number }} {{ n is integer }} {{ f is float }} {{ d is mapping }} {{ l is iterable }} {{ n is odd }} {{ n is even }} {{ n is divisibleby 7 }} {{ 'abc' is lower }} {{ n is not none }})J",
     R"J(True False True True True True True True True True True False True True True)J"},
    {R"J({{ 'b' in 'abc' }} {{ 2 in l }} {{ 'a' in d }} {{ 'z' not in d }} {{ 1 < 2 < 3 }} {{ 3 > 2 > 5 }})J",
     R"J(True True True True True False)J"},
    {R"J({{ nested.a.b[1].c }} {{ nested['a']['b'][0] }} {{ nested.a.missing is defined }} {{ d.get('a') }} {{ d.get('zz', 'dflt') }} {{ d.keys()|list }} {{ d.values()|list }})J",
     R"J(deep 1 False 1 dflt ['b', 'a', 'items'] [2, 1, 5])J"},
    {R"J({{ zz|default('dv') }} {{ ''|default('dv', true) }} {{ none|default('dv') }})J",
     R"J(dv dv None)J"},
    {R"J({{ 'hello world-x(y'|title }} {{ 'hello wORLD'|capitalize }} {{ 'Hi'|upper }}{{ 'Hi'|lower }} {{ 'aXa'|replace('a', 'b') }} {{ 'abc'.startswith('a') }} {{ 'abc'.endswith(('x','c')) }})J",
     R"J(Hello World-X(Y Hello world HIhi bXb True True)J"},
    {R"J({{ [1,2,3]|join('-') }} {{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }})J",
     R"J(1-2-3 [0, 1, 2] [1, 4, 7] [5, 3, 1])J"},
    {R"J({{ '%s-%d'|format('a', 3) }} {{ '{}+{}'.format(1, 'b') }} {{ '%s' % 'z' }} {{ "%5.2f|%-4d|%x"|format(3.14159, 7, 255) }})J",
     R"J(a-3 1+b z  3.14|7   |ff)J"},
    {R"J({% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %})J",
     R"J(37)J"},
    {R"J({{ messages[0]['role'] }} {{ messages[-1].content }} {{ messages|length }})J",
     R"J(system Yo 3)J"},
    {R"J({{ 'line1\nline2'|indent(2) }}|{{ 'a\n\nb'|indent(2, true) }}|{{ 'a\n\nb'|indent(2, blank=true) }})J",
     R"J(line1
  line2|  a

  b|a
  
  b)J"},
    {R"J({% if n > 5 %}big{% elif n > 2 %}mid{% else %}small{% endif %})J",
     R"J(big)J"},
    {R"J({{ l|map('string')|join }} {{ ['a','b']|map('upper')|list }} {{ l|select('odd')|list }} {{ l|reject('odd')|list }})J",
     R"J(312 ['A', 'B'] [3, 1] [2])J"},
    {R"J({{ 'a' == 'a' and 'b' or 'c' }} {{ none or 'x' }} {{ 0 and 1 }})J",
     R"J(b x 0)J"},
    {R"J({{ d|dictsort }} {{ names|unique|list }} {{ [1, 1, 2]|unique|list }})J",
     R"J([('a', 1), ('b', 2), ('items', 5)] ['b', 'A', 'c'] [1, 2])J"},
    {R"J({{ l|string }} {{ d|string }} {{ none|string }} {{ 3|float }} {{ '42'|int }} {{ '4.7'|int }} {{ 'x'|int }} {{ 2.7|round }} {{ 2.567|round(2) }} {{ -3|abs }})J",
     R"J([3, 1, 2] {'b': 2, 'a': 1, 'items': 5} None 3.0 42 4 0 3.0 2.57 3)J"},
    {R"J({% for m in messages %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{{ loop.previtem.role if loop.previtem is defined else '-' }}{{ loop.nextitem.role if loop.nextitem else '-' }}{{ loop.cycle('o','e') }} {% endfor %})J",
     R"J(03True-usero 12Falsesystemassistante 21Falseuser-o )J"},
    {R"J({{ 'Ünïcödé'|upper }} {{ 'ÀÉ'|lower }} {{ 'ü'|length }} {{ '日本語'[1] }} {{ 'Straße'|upper|length }})J",
     R"J(ÜNÏCÖDÉ àé 1 本 7)J"},
    {R"J({% with a = 1, b = 2 %}{{ a + b }}{% endwith %}{{ a is defined }})J",
     R"J(3False)J"},
    {R"J({% filter upper %}shout {{ n }}{% endfilter %})J",
     R"J(SHOUT 7)J"},
    {R"J({{ (1, 2) }} {{ (1,) }} {{ () }} {{ [] }} {{ {} }} {{ 'it''s' }} {{ "q'uote" }} {{ ["a'b", 'c"d', 'e\nf'] }})J",
     R"J((1, 2) (1,) () [] {} its q'uote ["a'b", 'c"d', 'e\nf'])J"},
    {R"J({% set a, b = 1, 2 %}{{ a }}{{ b }})J",
     R"J(12)J"},
    {R"J({{ 'a\tb\u00e9\x41\\' }})J",
     R"J(a	béA\)J"},
    {R"J({{ s.replace(' ', '') }} {{ 'aaa'.replace('a', 'b', 2) }} {{ 'abc'.find('c') }} {{ 'a-b'.count('-') }} {{ 'x'.join(['1','2']) }} {{ 'ab'.replace('', '-') }})J",
     R"J(HelloWorld bba 2 1 1x2 -a-b-)J"},
    {R"J({{ 'they\'re bob\'s 1st'.title() }})J",
     R"J(They'Re Bob'S 1St)J"},
    {R"J({{ l + [4] }} {{ 'a' + 'b' }} {{ (1,2) + (3,) }})J",
     R"J([3, 1, 2, 4] ab (1, 2, 3))J"},
    {R"J({{ tools[0].function.parameters.properties|items|list }})J",
     R"J([('x', {'type': 'string'})])J"},
    {R"J({{ messages|map(attribute='role')|unique|list }})J",
     R"J(['system', 'user', 'assistant'])J"},
    {R"J({{ d.b }} {{ d['items'] }} {{ d.items()|list }})J",
     R"J(2 5 [('b', 2), ('a', 1), ('items', 5)])J"},
    {R"J({{ messages[0].role|upper ~ '!' }} {{ -2 ** 2 }} {{ not t == false }} {{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }} {{ 1 ~ 2 + 3 ~ 4 }})J",
     R"J(SYSTEM! 4 True 14 20 1234)J"},
    {R"J({{ 10 / 4 }} {{ 10 // 4 }} {{ 10.0 // 4 }} {{ 1/3 }} {{ 7.5 % 2 }} {{ -7.5 // 2 }})J",
     R"J(2.5 2 2.0 0.3333333333333333 1.5 -4.0)J"},
    {R"J({{ 123456789012345678 }} {{ 1.0e16 }} {{ 1e-5 }} {{ 100.0 }} {{ 1.5e300 * 1 }} {{ 0.0001 }} {{ 1e15 }} {{ 2.5e-3 }} {{ 1_000 }})J",
     R"J(123456789012345678 1e+16 1e-05 100.0 1.5e+300 0.0001 1000000000000000.0 0.0025 1000)J"},
    {R"J({% for i in range(3) %}{% for j in range(2) %}{{ loop.index }}{% endfor %}{{ loop.index }};{% endfor %})J",
     R"J(121;122;123;)J"},
    {R"J({{ messages|selectattr('role', 'in', ['user', 'assistant'])|list|length }})J",
     R"J(2)J"},
    {R"J({% if messages[0].role == 'system' %}{% set sys = messages[0].content %}{% endif %}{{ sys }})J",
     R"J(Sys)J"},
    {R"J({{ range(3)|map('string')|join(',') }})J",
     R"J(0,1,2)J"},
    {R"J({{ ['b', 'a']|sort|first }} {{ [{'n': 2}, {'n': 1}]|sort(attribute='n')|map(attribute='n')|list }})J",
     R"J(a [1, 2])J"},
    {R"J({{ 'abc'|center(9) }}|{{ 'a b  c'|wordcount }})J",
     R"J(   abc   |3)J"},
    {R"J({{ none }} {{ true }} {{ zz }}|)J",
     R"J(None True |)J"},
    {R"J({%- for m in messages -%}
  {{ m.role }}
{%- endfor %}
{% if t %}
    yes
{% endif %}
  {%+ if t %}x{% endif %}
a
  {{ 'v' }}
  {% if t %}b{% endif %}  
  {% if t %}x{% endif %}y
  {# c #}
z
)J",
     R"J(systemuserassistant    yes
  xa
  v
b  
xy
z)J"},
    {R"J({{ 'abc'.upper() }}{{ 'A B'.lower() }}{{ 'ab'.capitalize() }}{{ 'aB'.swapcase() }}{{ '12'.isdigit() }}{{ 'ab'.isalpha() }}{{ ' '.isspace() }})J",
     R"J(ABCa bAbAbTrueTrueTrue)J"},
    {R"J({{ 'a\nb\r\nc'.splitlines() }} {{ 'xxhixx'.strip('x') }} {{ 'prefix-x'.removeprefix('prefix-') }})J",
     R"J(['a', 'b', 'c'] hi x)J"},
    {R"J({{ [3,1]|sort|join(',') }} {{ 'abc'|list }} {{ 'abc'|reverse }} {{ {'b': 1, 'a': 2}|dictsort(by='value') }})J",
     R"J(1,3 ['a', 'b', 'c'] cba [('b', 1), ('a', 2)])J"},
    {R"J({% set x %}inner {{ n }}{% endset %}[{{ x }}])J",
     R"J([inner 7])J"},
    {R"J({% raw %}{{ not rendered }} {% if %}{% endraw %})J",
     R"J({{ not rendered }} {% if %})J"},
    {R"J({# comment #}X
{#- c2 -#}
 Y   {{- ' Z' -}}   W)J",
     R"J(XY ZW)J"},
    {R"J({% for i in [1,2] %}{% set y = i %}{% endfor %}{{ y is defined }})J",
     R"J(False)J"},
    {R"J({% set g = 5 %}{% macro m() %}{{ g }}{% endmacro %}{{ m() }})J",
     R"J(5)J"},
    {R"J({{ 'a' is in 'abc' }} {{ 1 is eq 1 }} {{ 3 is gt 2 }} {{ messages is sequence }} {{ 'x' is sameas 'x' }} {{ none is sameas none }})J",
     R"J(True True True True True True)J"},
    {R"J({{ [1, [2, 3]] == [1, [2, 3]] }} {{ {'a': 1} == {'a': 1} }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }})J",
     R"J(True True True True True True)J"},
    {R"J(X
)J",
     R"J(X)J"},
    {R"J(X

)J",
     R"J(X
)J"},
    {R"J(a
bc
)J",
     R"J(a
b
c)J"},
    {R"J({% for x in l %}
  {{ x }}
{% endfor %}
)J",
     R"J(  3
  1
  2
)J"},
    {R"J({{ zz.a }})J", nullptr},  // UndefinedError
    {R"J({{ zz + 1 }})J", nullptr},  // UndefinedError
    {R"J({% for %})J", nullptr},  // TemplateSyntaxError
    {R"J({{ 'a' + 1 }})J", nullptr},  // TypeError
    {R"J({% if x %})J", nullptr},  // TemplateSyntaxError
    {R"J({{ 1/0 }})J", nullptr},  // ZeroDivisionError
    {R"J({{ x|nofilter }})J", nullptr},  // TemplateAssertionError
    {R"J({% macro f(n) %}{{ f(n+1) }}{% endmacro %}{{ f(0) }})J", nullptr},  // RecursionError
    {R"J({{ x is nosuchtest }})J", nullptr},  // TemplateAssertionError
    {R"J({% endif %})J", nullptr},  // TemplateSyntaxError
    {R"J({{ (1 }})J", nullptr},  // TemplateSyntaxError
    {R"J({{ 'abc }})J", nullptr},  // TemplateSyntaxError
    {R"J({{ none.x.y }})J", nullptr},  // UndefinedError
    {R"J({{ l[0:1:0] }})J", nullptr},  // ValueError
    {R"J({{ 5 in 5 }})J", nullptr},  // TypeError
    {R"J({{ 1 < 'a' }})J", nullptr},  // TypeError
    {R"J({% set a.b = 1 %})J", nullptr},  // TemplateRuntimeError
    {R"J({{ zz() }})J", nullptr},  // UndefinedError
};

jinja::Variables contextVariables() {
    auto context = chat::jsonToValue(k_context);
    EXPECT_TRUE(context.ok());
    jinja::Variables variables;
    for (const auto& [key, value] : context->asDict().items) variables.emplace_back(key.asString(), value);
    return variables;
}

TEST(JinjaConformance, RendersLikeJinja2) {
    const jinja::Variables variables = contextVariables();
    int passed = 0;
    for (const Case& c : k_cases) {
        auto parsed = jinja::Template::parse(c.source);
        if (!c.expected) {
            if (parsed) {
                auto rendered = parsed->render(variables);
                EXPECT_FALSE(rendered.ok()) << "Jinja2 raised for " << c.source << " but we rendered: " << *rendered;
                if (!rendered) ++passed;
            } else {
                ++passed;
            }
            continue;
        }
        if (!parsed) {
            ADD_FAILURE() << "does not parse: " << c.source << ": " << parsed.error().message;
            continue;
        }
        auto rendered = parsed->render(variables);
        if (!rendered) {
            ADD_FAILURE() << "fails: " << c.source << ": " << rendered.error().message;
            continue;
        }
        EXPECT_EQ(*rendered, c.expected) << "template: " << c.source;
        if (*rendered == c.expected) ++passed;
    }
    EXPECT_EQ(passed, int(std::size(k_cases)));
}

}  // namespace
