"""Tier 1: each format's filter writes any text so that format's own reader gives it back."""

from __future__ import annotations

import ast
import html
import io
import json
import re
import shlex
import tomllib

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from ruamel.yaml import YAML

from escape import (
    actions_str,
    control_characters,
    docker_str,
    json_str,
    k8s_label,
    md_code,
    md_text,
    md_url,
    one_line_error,
    py_doc,
    py_str,
    sh_word,
    toml_str,
    yaml_block,
    yaml_str,
)

pytestmark = pytest.mark.unit

# Any Unicode text a file can hold (no lone surrogates, which no UTF-8 file carries).
texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
# What a one-line answer may hold: printable text, as the questions accept it.
one_line = st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), max_size=40)
# Words YAML 1.1 or 1.2 readers type as booleans, nulls, numbers or dates.
RETYPED = ["yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~", "",
           "1", "-7", "0o17", "0x1F", "1_000", "1.5", "1e3", "6.02e+23", ".inf", "-.Inf",
           ".nan", "2024-01-31", "2001-12-14t21:59:43.10-05:00", "1:20", "<<", "="]  # fmt: skip
YAML12 = YAML(typ="safe", pure=True)


def yaml12(text: str) -> object:
    return YAML12.load(io.StringIO(text))


@settings(max_examples=300, deadline=None)
@given(texts)
def test_python_literal_reads_back(text: str) -> None:
    assert ast.literal_eval(py_str(text)) == text


@settings(max_examples=300, deadline=None)
@given(texts)
def test_docstring_reads_back_and_stays_a_docstring(text: str) -> None:
    module = ast.parse(f'"""{py_doc(text)}"""\n')
    assert ast.get_docstring(module, clean=False) == text
    assert len(module.body) == 1


def test_python_literal_uses_the_quotes_ruff_format_keeps() -> None:
    assert py_str("My Platform") == '"My Platform"'
    assert py_str('say "hi"') == "'say \"hi\"'"
    assert py_str("it's") == '"it\'s"'
    assert py_str("a\\b") == '"a\\\\b"'


def test_triple_quotes_cannot_end_the_docstring() -> None:
    hostile = '""" + __import__("os").system("false") + """'
    module = ast.parse(f'"""{py_doc(hostile)}"""\n')
    assert ast.get_docstring(module, clean=False) == hostile


@settings(max_examples=300, deadline=None)
@given(texts)
def test_toml_string_reads_back(text: str) -> None:
    assert tomllib.loads(f"key = {toml_str(text)}\n")["key"] == text


@settings(max_examples=200, deadline=None)
@given(texts)
def test_json_reads_back(text: str) -> None:
    assert json.loads(json_str(text)) == text
    assert json.loads(json_str({"name": text})) == {"name": text}


# A few keys each: every scalar goes through yaml_str, which the tests above cover at length.
_block_scalars = st.one_of(texts, st.sampled_from(RETYPED))


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(_block_scalars,
                       st.one_of(_block_scalars, st.lists(_block_scalars, max_size=3),
                                 st.dictionaries(texts, texts, max_size=3)),
                       min_size=1, max_size=4))  # fmt: skip
def test_yaml_block_reads_back_nested_under_a_key(data: dict[str, object]) -> None:
    document = f"outer:\n{yaml_block(data, 2)}\n"
    for load in (yaml.safe_load, yaml12):
        assert load(document) == {"outer": data}


def test_yaml_block_takes_only_collections() -> None:
    with pytest.raises(TypeError, match="mapping or a list"):
        yaml_block("text")
    assert yaml_block({"empty": [], "none": {}}) == "empty: []\nnone: {}"


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, st.sampled_from(RETYPED)))
def test_yaml_scalar_reads_back_as_the_same_string_in_yaml_1_1_and_1_2(text: str) -> None:
    document = f"{yaml_str(text)}: {yaml_str(text)}\nlist: [{yaml_str(text)}]\n"
    for load in (yaml.safe_load, yaml12):
        assert load(document) == {text: text, "list": [text]}


@pytest.mark.parametrize("word", RETYPED)
def test_words_yaml_retypes_are_quoted(word: str) -> None:
    assert yaml_str(word).startswith('"')


@pytest.mark.parametrize("word", ["api", "my-platform", "ghcr.io/acme", "/api", "v1.2.0", "e1"])
def test_plain_names_stay_readable(word: str) -> None:
    assert yaml_str(word) == word


def test_yaml_numbers_and_booleans_pass_as_themselves() -> None:
    assert yaml.safe_load(f"a: {yaml_str(8000)}\nb: {yaml_str(True)}\nc: {yaml_str(1.5)}") == {
        "a": 8000, "b": True, "c": 1.5,
    }  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.one_of(texts, st.just("${{ secrets.TOKEN }}")))
def test_actions_expressions_in_answers_stay_literal(text: str) -> None:
    value = yaml.safe_load(f"name: {actions_str(text)}")["name"]
    literal = "${{ '${{' }}"
    # Every expression left is the literal one, which evaluates to the two characters.
    assert re.sub(r"\$\{\{ '\$\{\{' \}\}", "", value).count("${{") == 0
    assert value.replace(literal, "${{") == text


@settings(max_examples=200, deadline=None)
@given(texts.filter(lambda t: "\x00" not in t))
def test_shell_word_reads_back_as_one_word(text: str) -> None:
    assert shlex.split(sh_word(text)) == [text]


def unquote_dockerfile(value: str) -> str:
    """How Docker reads a double-quoted LABEL/ENV value: backslash takes the next character."""
    assert value.startswith('"') and value.endswith('"')
    return re.sub(r"\\(.)", r"\1", value[1:-1])


@settings(max_examples=200, deadline=None)
@given(one_line)
def test_dockerfile_value_reads_back_without_expansion(text: str) -> None:
    quoted = docker_str(text)
    assert unquote_dockerfile(quoted) == text
    assert re.search(r'(?<!\\)(\\\\)*[$"]', quoted[1:-1]) is None  # every $ and " escaped


LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")


@settings(max_examples=200, deadline=None)
@given(st.one_of(texts, st.sampled_from(RETYPED)))
def test_kubernetes_label_value_is_valid(text: str) -> None:
    value = yaml.safe_load(f"v: {k8s_label(text)}")["v"]
    assert isinstance(value, str)
    assert len(value) <= 63 and LABEL_VALUE.fullmatch(value), value


def test_kubernetes_label_keeps_a_valid_value_and_transliterates() -> None:
    assert yaml.safe_load(f"v: {k8s_label('yes')}")["v"] == "yes"
    assert yaml.safe_load(f"v: {k8s_label('Café Münster')}")["v"] == "Cafe-Munster"


MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def rendered_text(markdown: str) -> str:
    """The text a reader sees: the HTML without tags, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", MARKDOWN.render(markdown))).strip()


printable_line = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp", "Zs"), include_characters=" "),
    min_size=1,
    max_size=30,
).filter(lambda t: t.strip() == t and t.strip())


@settings(max_examples=300, deadline=None)
@given(printable_line)
def test_markdown_text_renders_as_itself_in_a_paragraph_and_a_heading(text: str) -> None:
    assert rendered_text(f"The {md_text(text)} platform") == f"The {text} platform"
    assert rendered_text(f"# {md_text(text)} — api") == f"{text} — api"


@settings(max_examples=200, deadline=None)
@given(printable_line)
def test_markdown_text_stays_in_its_table_cell(text: str) -> None:
    table = f"| a | b |\n| --- | --- |\n| {md_text(text)} | x |\n"
    cells = re.findall(r"<td>(.*?)</td>", MARKDOWN.render(table), re.S)
    assert [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in cells] == [text, "x"]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1))
def test_markdown_code_span_shows_the_text_in_a_paragraph_and_a_table_cell(text: str) -> None:
    if not text.strip():
        return  # an all-space span renders as spaces, which a paragraph trims
    code = re.findall(r"<code>(.*?)</code>", MARKDOWN.render(f"x {md_code(text)} y"), re.S)
    assert [html.unescape(c) for c in code] == [text]
    table = f"| a | b |\n| --- | --- |\n| {md_code(text, table=True)} | x |\n"
    cells = re.findall(r"<td>(.*?)</td>", MARKDOWN.render(table), re.S)
    assert [html.unescape(re.sub(r"</?code>", "", c)) for c in cells] == [text, "x"]


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1))
def test_markdown_link_destination_keeps_the_url(text: str) -> None:
    table = f"| a | b |\n| --- | --- |\n| [repo]({md_url(text)}) | x |\n"
    rendered = MARKDOWN.render(table)
    (href,) = re.findall(r'<td><a href="([^"]*)">repo</a></td>', rendered)
    assert MARKDOWN.normalizeLink(text) == html.unescape(href)


@pytest.mark.parametrize(
    ("value", "offending"),
    [
        ("My\nPlatform", "U+000A LINE FEED"),
        ("My\tPlatform", "U+0009 TAB"),
        ("My\x00Platform", "U+0000 NUL"),
        ("My\u2028Platform", "U+2028 LINE SEPARATOR"),
        ("My\x85Platform", "U+0085 control character"),
    ],
)
def test_control_characters_are_named(value: str, offending: str) -> None:
    message = one_line_error(value, "project_name")
    assert message.startswith(f"project_name {value!r} contains {offending}")
    assert "write it on one line" in message


def test_one_line_text_passes() -> None:
    assert one_line_error("Café \"Münster\" 🚀 \\ '''", "project_name") == ""
    assert one_line_error(8000, "port") == ""
    assert control_characters("a\nb\nc\t") == [
        "U+000A LINE FEED",
        "U+0009 TAB",
    ]
