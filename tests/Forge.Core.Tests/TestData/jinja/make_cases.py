"""Expected renderings of Jinja snippets by jinja2, set up as transformers sets it up for chat templates.

python3 make_cases.py  (jinja2 3.1.x) → cases.json: [{template, context, text | error}] for JinjaEngineCaseTests.
"""
import json
from datetime import datetime

import jinja2
import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda fmt: datetime(2024, 7, 26, 9, 5, 3).strftime(fmt)

M = {"messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": " hi  "},
                  {"role": "assistant", "content": "<think>\nr\n</think>\n\nok", "tool_calls": None}]}
CASES = [
    # whitespace control, trim_blocks, lstrip_blocks, trailing newline
    ("a\n  {% if true %}\n  b\n  {% endif %}\nc\n", {}),
    ("a  {%- if true -%}  b  {%- endif -%}  c", {}),
    ("x {% if true %}  y\n  {% endif %}z\n  {{ 1 }}\n", {}),
    ("a\n  {# c #}\nb\n  {%- if true %}\n  x\n{% endif %}\nz", {}),
    ("  {%+ if true %}k{% endif +%}\nv", {}),
    ("{{- '  x  ' -}}\n\n{{ 'y' }}\n\n", {}),
    ("line\n    {{ 'var' }}\n    {% set q = 1 %}\nend", {}),
    # values and printing
    ("{{ none }}|{{ undefined_var }}|{{ 1.0 }}|{{ 2/2 }}|{{ 7//2 }}|{{ -7 % 3 }}|{{ -7 // 2 }}|{{ 2 ** 10 }}|{{ 10 / 4 }}", {}),
    ("{{ [1,'a',none,true, 1.5] }}|{{ {'a':1, 'b': [2]} }}|{{ ('x',) }}|{{ (1, 2) }}|{{ 'x' ~ 1 ~ none ~ true }}", {}),
    ("{{ 'a\\'b\"c' }}{{ ['it\\'s'] }}{{ ['\\n\\t'] }}{{ [\"a\\\"b'\"] }}{{ '\\u00e9\\x41' }}", {}),
    ("{{ 1e20 }}|{{ 0.1+0.2 }}|{{ 1e-7 }}|{{ 100.0 }}|{{ 1e16 }}|{{ 123456.789 }}|{{ 0.0001 }}|{{ -2.5e-5 }}", {}),
    ("{{ 3 + 4 * 2 }}|{{ (3 + 4) * 2 }}|{{ 'ab' * 2 }}|{{ [1] + [2] }}|{{ 1 + 2.5 }}|{{ true + 1 }}", {}),
    # truthiness, logic, comparisons
    ("{% for v in [[], '', 0, 0.0, none, {}, [0], 'x', 1] %}{{ 'T' if v else 'F' }}{% endfor %}", {}),
    ("{{ 1 < 2 < 3 }}{{ 3 > 2 > 2 }}{{ 1 == 1.0 }}{{ 'a' != 'b' }}{{ [1,2] == [1,2] }}{{ none == none }}{{ 'b' > 'a' }}", {}),
    ("{{ 'a' in 'cat' }}{{ 'k' in {'k':1} }}{{ 2 in [1,2] }}{{ 3 not in [1,2] }}{{ not 'a' in 'b' }}", {}),
    ("{{ x or 'd' }}|{{ '' or 0 or [] }}|{{ 1 and 'y' }}|{{ 0 and 'y' }}|{{ not x }}", {}),
    # undefined
    ("{{ u is defined }}{{ u is none }}{{ u|length }}{% for q in u %}q{% endfor %}{{ u == u }}{{ u is iterable }}{{ u|default('d') }}", {}),
    ("{{ foo.bar }}", {}),
    ("{{ x.y }}{{ x.z is defined }}{{ x['y'] }}{{ x.y.z is defined }}", {"x": {"y": None}}),
    ("{{ u + 'a' }}", {}),
    ("{{ 'a' + 1 }}", {}),
    # tests
    ("{{ 3 is number }}{{ true is number }}{{ 'a' is iterable }}{{ {} is sequence }}{{ x is mapping }}{{ [1] is sequence }}{{ 'a' is string }}{{ 1 is string }}", {"x": {}}),
    ("{{ true is boolean }}{{ 1 is boolean }}{{ 2 is even }}{{ 3 is odd }}{{ 9 is divisibleby 3 }}{{ 'x' is equalto 'x' }}{{ 1 is integer }}{{ 1.0 is float }}{{ none is none }}", {}),
    ("{{ 'ab' is lower }}{{ 'AB' is upper }}{{ 2 is in [1,2] }}{{ x is not none }}{{ raise_exception is callable }}", {"x": 0}),
    # loops
    ("{% for a in [1,2,3] if a != 2 %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.length }}{{ loop.first }}{{ loop.last }}{{ loop.revindex }} {% endfor %}", {}),
    ("{% for a in [] %}x{% else %}empty{% endfor %}{% for k, v in {'a':1,'b':2}.items() %}{{k}}={{v}};{% endfor %}{% for k in {'z':1,'a':2} %}{{ k }}{% endfor %}", {}),
    ("{% for i in range(5) %}{% if i == 1 %}{% continue %}{% endif %}{% if i == 3 %}{% break %}{% endif %}{{ i }}{% endfor %}", {}),
    ("{% for a in 'xy' %}{{ loop.previtem }}-{{ a }}-{{ loop.nextitem }};{% endfor %}{% for i in range(1, 7, 2) %}{{ i }}{% endfor %}{% for i in range(3, 0, -1) %}{{ i }}{% endfor %}", {}),
    ("{% for a in [[1,2],[3,4]] %}{% for b in a %}{{ loop.index }}{{ b }}{% endfor %}|{% endfor %}{{ loop is defined }}", {}),
    ("{% for a in [1,2] %}{{ loop.cycle('odd', 'even') }}{% endfor %}", {}),
    # scoping, set, namespace
    ("{% set x = 1 %}{% for i in [1,2] %}{{ x }}{% set x = x + 1 %}{{ x }};{% endfor %}{{ x }}", {}),
    ("{% for i in [1,2] %}{% if i == 1 %}{% set y = 5 %}{% endif %}{{ y }};{% endfor %}{% if true %}{% set z = 3 %}{% endif %}{{ z }}", {}),
    ("{% set ns = namespace(n=0, s='') %}{% for i in [1,2,3] %}{% set ns.n = ns.n + i %}{% set ns.s = ns.s ~ i %}{% endfor %}{{ ns.n }} {{ ns.s }} {{ ns.missing is defined }}", {}),
    ("{% set ns = namespace() %}{% set ns.a = [1] %}{{ ns.a }}{{ ns }}", {}),
    ("{% set a, b = [1, 2] %}{{ b }}{{ a }}{% set block %}in {{ a }}{% endset %}[{{ block }}]", {}),
    ("{% set x = 1 %}{% set x.y = 2 %}", {}),
    # macros
    ("{% macro m(a, b='x') %}[{{ a }}{{ b }}]{% endmacro %}{{ m(1) }}{{ m(2, b=3) }}{{ m(a=4) }}{{ m() }}", {}),
    ("{% set g = 'G' %}{% macro m() %}{{ g }}{% set g = 'L' %}{{ g }}{% endmacro %}{{ m() }}{{ g }}", {}),
    # conditional expressions
    ("{{ 'a' if false }}|{{ 'a' if false else 'b' }}|{{ 'y' if 1 else 'n' if 2 else 'z' }}", {}),
    # indexing and slicing
    ("{{ [1,2,3][::-1] }}{{ 'abcdef'[1:4] }}{{ 'abc'[-1] }}{{ [1,2,3][-5:] }}{{ [1,2,3,4,5][::2] }}{{ 'abc'[5] }}|{{ [1][3] }}|{{ {'a':1}['b'] }}|{{ [1,2,3][1:] }}{{ 'hello'[-3:-1] }}{{ [1,2,3][:-1] }}{{ 'abc'[::-1] }}", {}),
    ("{{ x.0 }}{{ x[0] }}{{ m[-1].content }}{{ m[0]['role'] }}", {"x": ["a"], "m": M["messages"]}),
    # string methods
    ("{{ 'a,b,,c'.split(',') }}{{ ' a  b '.split() }}{{ 'a b c'.split(' ', 1) }}{{ 'a,b,c'.rsplit(',', 1) }}{{ 'xxhixx'.strip('x') }}{{ '  p '.lstrip() }}|{{ '  p '.rstrip() }}|", {}),
    ("{{ 'Hello'.startswith('He') }}{{ 'Hello'.endswith(('x', 'lo')) }}{{ 'a-b'.replace('-', '+') }}{{ 'aaa'.replace('a', 'b', 2) }}{{ 'MiXed'.lower() }}{{ 'MiXed'.upper() }}{{ 'hello wORLD it\\'s'.title() }}{{ 'hello'.capitalize() }}", {}),
    ("{{ 'banana'.find('an') }}{{ 'banana'.count('a') }}{{ '-'.join(['a', 'b']) }}{{ 'a\\nb\\n'.splitlines() }}{{ x.content.split('</think>')[-1].lstrip('\\n') }}", {"x": M["messages"][2]}),
    ("{{ x.items() | list }}{{ x.keys() | list }}{{ x.values() | list }}{{ x.get('a') }}{{ x.get('z', 3) }}{{ x.get('z') }}", {"x": {"a": 1}}),
    ("{{ x.append(1) }}", {"x": []}),
    # filters
    ("{{ ' a '|trim }}|{{ 'xxax'|trim('x') }}|{{ [1,2]|length }}|{{ 'héllo'|length }}|{{ {'a':1}|count }}|{{ 5|string }}{{ none|string }}|{{ 'ab'|upper }}{{ 'AB'|lower }}|{{ 'hello world-x'|title }}|{{ 'hELLO'|capitalize }}", {}),
    ("{{ x|default('d') }}{{ none|default('d') }}{{ ''|default('d', true) }}{{ 0|d('z', true) }}{{ 'v'|default('d') }}", {}),
    ("{{ [1,2,3]|join(', ') }}{{ [{'n':'a'},{'n':'b'}]|join('|', attribute='n') }}{{ [1,2]|first }}{{ []|first is defined }}{{ 'ab'|last }}{{ {'a':1}|items|list }}{{ 'abc'|list }}", {}),
    ("{{ [{'a':1},{'a':0},{}]|selectattr('a')|list }}{{ m|selectattr('role','equalto','user')|list|length }}{{ m|rejectattr('role', 'eq', 'user')|map(attribute='role')|list }}", M | {"m": M["messages"]}),
    ("{{ ['a','b']|map('upper')|join(',') }}{{ [1,2,3,4]|select('even')|list }}{{ [1,2,3,4]|reject('odd')|list }}{{ [none, 1]|select|list }}{{ [{'x':1},{}]|map(attribute='x', default=0)|list }}", {}),
    ("{{ '<b>'|safe }}{{ 'aXbX'|replace('X', '-') }}{{ '3'|int + 1 }}{{ 'x'|int }}{{ 2.7|int }}{{ '1.5'|float }}{{ -3|abs }}{{ 2.567|round(2) }}{{ 2.5|round }}", {}),
    ("{{ [3,1,2]|sort }}{{ ['b','A','c']|sort }}{{ [3,1,2]|sort(reverse=true) }}{{ [1,2,1,3]|unique|list }}{{ [3,1,2]|min }}{{ [3,1,2]|max }}{{ [1,2,3]|sum }}{{ 'abc'|reverse }}{{ [1,2]|reverse|list }}", {}),
    ("{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'one two'|wordcount }}", {}),
    # tojson as transformers defines it
    ("{{ [3,1]|tojson }}{{ {'b':'é<&>', 'a': none}|tojson }}{{ 1.5|tojson }}{{ 1e20|tojson }}{{ 'x\\n\"q\"\\\\'|tojson }}{{ true|tojson }}", {}),
    ("{{ {'a':[1,{}],'c':[], 'd': {'e': 'f'}}|tojson(indent=2) }}|{{ {'b':1,'a':2}|tojson(sort_keys=true) }}|{{ 'é'|tojson(ensure_ascii=true) }}|{{ [1,2]|tojson(separators=(',', ':')) }}", {}),
    ("{{ m|tojson }}", {"m": M["messages"]}),
    ("{{ u|tojson }}", {}),
    # globals
    ("{{ raise_exception('boom') }}", {}),
    ("{{ strftime_now('%d %b %Y %H:%M:%S %A %B %y %j %p %I %%') }}", {}),
    ("{{ range(3)|list }}{{ dict(a=1, b='x') }}{{ namespace(a=1) }}", {}),
    # unsupported constructs and syntax errors
    ("a {%- raw %} {{ x }} {% if %}\n{% endraw %}\nb", {}),
    ("{% filter upper %}x{% endfilter %}", {}),
    ("{% if x %}never closed", {}),
    ("{{ x | nosuchfilter }}", {"x": 1}),
    ("{{ x is nosuchtest }}", {"x": 1}),
    ("{{ 1 + }}", {}),
    ("{% for x in 5 %}{% endfor %}", {}),
]


def main():
    out = []
    for template, context in CASES:
        case = {"template": template, "context": context}
        try:
            case["text"] = env.from_string(template).render(**context)
        except Exception as e:  # a refusal at parse or render time
            case["error"] = f"{type(e).__name__}: {e}"
        out.append(case)
    with open("cases.json", "w", encoding="utf-8") as f:
        json.dump({"jinja2": jinja2.__version__, "cases": out}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} cases, {sum('error' in c for c in out)} errors")


if __name__ == "__main__":
    main()
