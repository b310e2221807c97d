"""One filter per file format: how an answer is written so the file reads it back unchanged.

Templates pass every answer (and every value derived from one) through the filter of the
format it lands in, so a project name with quotes, backslashes or YAML's retyped words
(`yes`, `null`, `1.0`...) renders as the text the user gave. Only the standard library and
PyYAML (a dependency of Copier) are used: the extension runs in Copier's own environment.
"""

from __future__ import annotations

import json
import re
import shlex
import unicodedata
from collections.abc import Mapping

import yaml

# ---- one-line answers ----------------------------------------------------------------------

# Characters no one-line answer may hold: they end a line (or a YAML comment), or no file
# format can carry them unescaped (C0/C1 controls, surrogates, the two noncharacters).
_BREAKING = frozenset({"Cc", "Cs", "Zl", "Zp"})
# Unicode gives control characters no name; these are the ones people paste by accident.
_CONTROL_NAMES = {"\x00": "NUL", "\t": "TAB", "\n": "LINE FEED", "\r": "CARRIAGE RETURN",
                  "\x1b": "ESCAPE", "\x7f": "DELETE"}  # fmt: skip


def control_characters(value: str) -> list[str]:
    """The offending characters of a one-line answer, as `U+XXXX NAME`, in order of use."""
    found: list[str] = []
    for char in value:
        if unicodedata.category(char) in _BREAKING or char in "\ufffe\uffff":
            name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "control character")
            label = f"U+{ord(char):04X} {name}"
            if label not in found:
                found.append(label)
    return found


def one_line_error(value: object, what: str) -> str:
    """'' for a one-line answer, else a message naming the characters to remove."""
    if not isinstance(value, str):
        return ""
    found = control_characters(value)
    if not found:
        return ""
    return (
        f"{what} {value!r} contains {', '.join(found)}: write it on one line, without tabs "
        "or control characters"
    )


# ---- Python ----------------------------------------------------------------------------------


def _escape_unprintable(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _py_char(char: str, quote: str) -> str:
    if char == "\\" or char == quote:
        return "\\" + char
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if char == "\r":
        return "\\r"
    if not char.isprintable() and char != " ":
        return _escape_unprintable(char)
    return char


def py_str(value: object) -> str:
    """A Python string literal, quoted as `ruff format` leaves it: double quotes unless the
    text holds more double quotes than single ones."""
    text = str(value)
    quote = "'" if text.count('"') > text.count("'") else '"'
    return quote + "".join(_py_char(char, quote) for char in text) + quote


def py_doc(value: object) -> str:
    """Text for the inside of a `\"\"\"docstring\"\"\"`: no quote or backslash can end it."""
    return "".join(_py_char(char, '"') for char in str(value))


# ---- TOML, JSON ------------------------------------------------------------------------------

_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
                 "\r": "\\r"}  # fmt: skip


def toml_str(value: object) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in str(value):
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif unicodedata.category(char) in {"Cc", "Cs"}:
            out.append(f"\\u{ord(char):04X}" if ord(char) < 0x10000 else f"\\U{ord(char):08X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def json_str(value: object) -> str:
    """A JSON value (also a JavaScript/TypeScript literal); text stays readable, not \\u-escaped."""
    return json.dumps(value, ensure_ascii=False)


def json_doc(value: object) -> str:
    """A JSON document, indented and with sorted keys so that its diffs read line by line."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)


# ---- YAML ------------------------------------------------------------------------------------

# Plain scalars are written only from these characters; anything else is double-quoted.
_PLAIN = re.compile(r"[A-Za-z0-9_/][-A-Za-z0-9_./@+]*")
# What a YAML 1.2 (core schema) reader types as other than a string; YAML 1.1 readers are
# asked directly (PyYAML's resolver), plus the one-letter booleans PyYAML leaves out.
_YAML12_TYPED = re.compile(
    r"null|Null|NULL|~|true|True|TRUE|false|False|FALSE"
    r"|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"
    r"|[-+]?\.(inf|Inf|INF)|\.nan|\.NaN|\.NAN"
)
_YAML11_EXTRA = frozenset({"y", "Y", "n", "N", "=", "<<"})
_RESOLVER = yaml.resolver.Resolver()
# U+2028 and U+2029 end a line for YAML 1.1 readers (PyYAML): they need their escapes too.
_YAML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r",
                 "\u2028": "\\L", "\u2029": "\\P"}  # fmt: skip
# What a YAML stream may hold unescaped (YAML 1.1 and 1.2 agree on this set).
_YAML_PRINTABLE = re.compile("[\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _yaml_typed(text: str) -> bool:
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return (
        tag != "tag:yaml.org,2002:str"
        or _YAML12_TYPED.fullmatch(text) is not None
        or text in _YAML11_EXTRA
    )


def _yaml_quoted(text: str) -> str:
    out = []
    for char in text:
        if char in _YAML_ESCAPES:
            out.append(_YAML_ESCAPES[char])
        elif _YAML_PRINTABLE.fullmatch(char) is None:
            out.append(_escape_unprintable(char))
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def yaml_str(value: object) -> str:
    """A YAML scalar (value, key or flow item) that every YAML 1.1 and 1.2 reader reads as the
    same string: plain when nothing could retype it, else double-quoted. Numbers and
    booleans pass as themselves."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and not _yaml_typed(text):
        return text
    return _yaml_quoted(text)


def yaml_block(value: object, indent: int = 0) -> str:
    """A mapping or list as block YAML at `indent` spaces, every key and scalar through
    `yaml_str`: data computed in the extension lands in a YAML file as the same values."""
    pad = " " * indent
    if isinstance(value, Mapping):
        items = [(f"{pad}{yaml_str(key)}:", item) for key, item in value.items()]
    elif isinstance(value, list | tuple):
        items = [(f"{pad}-", item) for item in value]
    else:
        raise TypeError(f"yaml_block takes a mapping or a list, not {type(value).__name__}")
    lines = []
    for head, item in items:
        if isinstance(item, Mapping | list | tuple) and item:
            lines += [head, yaml_block(item, indent + 2)]
        elif isinstance(item, Mapping):
            lines.append(f"{head} {{}}")
        elif isinstance(item, list | tuple):
            lines.append(f"{head} []")
        else:
            lines.append(f"{head} {yaml_str(item)}")
    return "\n".join(lines)


def actions_str(value: object) -> str:
    """A YAML scalar of a GitHub Actions workflow: `${{` in an answer stays literal text
    instead of becoming an expression the runner evaluates."""
    text = str(value).replace("${{", "${{ '${{' }}")
    return yaml_str(text)


# ---- shell, Dockerfile, Kubernetes -----------------------------------------------------------


def sh_word(value: object) -> str:
    """One POSIX shell word: quoted only when the text needs it."""
    return shlex.quote(str(value))


def docker_str(value: object) -> str:
    """A double-quoted Dockerfile value (LABEL, ENV): no variable expansion, no line break."""
    text = str(value)
    escaped = "".join("\\" + char if char in '"\\$' else char for char in text)
    return f'"{escaped}"'


_LABEL_VALUE_MAX = 63


def k8s_label(value: object) -> str:
    """A Kubernetes label value made from the text, as a YAML scalar: at most 63 of
    `[A-Za-z0-9-_.]`, starting and ending alphanumeric (other characters become '-')."""
    folded = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode()
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", folded)[:_LABEL_VALUE_MAX]
    label = re.sub(r"^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "", label)
    return yaml_str(label)


# ---- Markdown --------------------------------------------------------------------------------

# Characters that start Markdown (CommonMark and GitHub's) syntax inside a line of text.
_MARKDOWN_SPECIAL = frozenset("\\`*_[]<>#|!&~")


def md_text(value: object) -> str:
    """Text inside a Markdown paragraph, heading or table cell: it renders as itself."""
    text = "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in str(value))
    # Renderers strip whitespace at the ends of a heading or cell: keep it as references.
    body = text.strip()
    start = text.index(body) if body else len(text)
    lead, trail = text[:start], text[start + len(body) :]
    return _char_refs(lead) + body + _char_refs(trail)


def _char_refs(text: str) -> str:
    return "".join(f"&#x{ord(char):X};" for char in text)


def md_code(value: object, table: bool = False) -> str:
    """An inline code span showing the text as is, however many backticks it holds; in a
    table cell (`table=True`) its `|` cannot end the cell."""
    text = str(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space off each end of a span: pad where the text starts or ends
    # with one (or with a backtick, which would join the fence).
    edges = text[:1] + text[-1:]
    padded = f" {text} " if text.strip() and ("`" in edges or " " in edges) else text
    if table:
        padded = padded.replace("|", "\\|")
    return f"{fence}{padded}{fence}"


def md_url(value: object) -> str:
    """A link destination (`[text](<here>)`) holding the URL as written, spaces included
    (and `|`, which would end a table cell)."""
    escaped = "".join("\\" + char if char in "<>\\|" else char for char in str(value))
    return f"<{escaped}>"


FILTERS = {
    "py_str": py_str,
    "py_doc": py_doc,
    "toml_str": toml_str,
    "json_str": json_str,
    "json_doc": json_doc,
    "yaml_block": yaml_block,
    "yaml_str": yaml_str,
    "actions_str": actions_str,
    "sh_word": sh_word,
    "docker_str": docker_str,
    "k8s_label": k8s_label,
    "md_text": md_text,
    "md_code": md_code,
    "md_url": md_url,
    "one_line_error": one_line_error,
}
