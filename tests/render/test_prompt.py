"""Tier 2: `services` and `engines` typed at Copier's interactive prompt, in a pseudo-terminal
the test makes.

A bad answer gets the suite's message in the prompt's error bar (invalid YAML by line and
column; every problem of a manifest at once) and nothing is written; a good one is recorded as
the list it describes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pexpect
import pytest
import yaml

from helpers import answers, tool

pytestmark = pytest.mark.render

# Every question but `services` is answered with -d, so the prompt asks that one alone.
GIVEN = {"template_kind": "backend", "project_name": "Prompted", "project_slug": "prompted",
         "organization": "acme",
         "domain": "localhost", "registry": "ghcr.io/acme", "python_version": "3.12",
         "node_version": "22", "engines": "[]", "auth": "none"}  # fmt: skip
# Terminal sequences (colours, cursor moves) between the characters the prompt draws.
CONTROL = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|[@-_])|[\x07\x08]")
FINISH = "\x1b\r"  # Esc then Enter ends a multi-line answer


def prompt_for_services(template: Path, dest: Path) -> pexpect.spawn:
    """`copier copy` at a wide terminal, stopped at the services prompt with its default
    erased."""
    given = [arg for name, value in GIVEN.items() for arg in ("-d", f"{name}={value}")]
    child = pexpect.spawn(tool("copier"), ["copy", "--trust", "--skip-tasks", *given,
                                           str(template), str(dest)],
                          encoding="utf-8", dimensions=(50, 1000), timeout=60)  # fmt: skip
    child.expect("The services")
    child.expect("Esc then Enter")
    child.send("\x7f" * 200)
    return child


def shows(child: pexpect.spawn, text: str) -> None:
    """Waits until the screen has shown `text`, control sequences aside."""
    seen = ""
    while text not in CONTROL.sub("", seen):
        seen += child.read_nonblocking(4096, timeout=30)


def test_bad_text_gets_the_suite_s_message_and_nothing_is_written(
    template: Path, tmp_path: Path
) -> None:
    dest = tmp_path / "out"
    child = prompt_for_services(template, dest)
    try:
        child.send("- {name: api, kind: backend")
        child.send(FINISH)
        shows(child, "services is not valid YAML at line 1, column 28: expected ',' or '}'")
        child.send("\x7f" * 40 + "- {name: Api, kind: backend}\r- {name: web, kind: nope}")
        child.send(FINISH)
        shows(child, "2 problems: (1) service 'web': kind input should be 'backend' or "
                     "'frontend' (got 'nope'): use 'backend' or 'frontend'; (2) services[0] "
                     "name 'Api' is not a DNS-1123 label")  # fmt: skip
        assert "Invalid input" not in CONTROL.sub("", child.before or "")
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus != 0
    assert not dest.exists()


def test_a_typed_manifest_is_recorded_as_its_list(template: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    child = prompt_for_services(template, dest)
    try:
        child.send("- {name: billing, kind: backend, route: /billing}\r")
        child.send("- {name: web, kind: frontend}")
        child.send(FINISH)
        shows(child, "Which entry of `services` this repo is")
        shows(child, "billing")  # the default, from the manifest just typed
        child.send("\r")
        child.expect(pexpect.EOF, timeout=120)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, CONTROL.sub("", child.before or "")
    recorded = answers(dest)
    assert recorded["services"] == [
        {"name": "billing", "kind": "backend", "route": "/billing"},
        {"name": "web", "kind": "frontend"},
    ]
    assert recorded["service_name"] == "billing"
    assert (dest / "src" / "billing").is_dir()
    assert yaml.safe_load((dest / ".copier-answers.yml").read_text()) == recorded


def test_bad_engines_get_every_problem_on_the_error_bar(template: Path, tmp_path: Path) -> None:
    dest = tmp_path / "out"
    given = [arg for name, value in GIVEN.items() if name != "engines"
             for arg in ("-d", f"{name}={value}")]  # fmt: skip
    child = pexpect.spawn(tool("copier"), ["copy", "--trust", "--skip-tasks", *given,
                                           str(template), str(dest)],
                          encoding="utf-8", dimensions=(50, 1000), timeout=60)  # fmt: skip
    try:
        child.expect("Servers the backends share")
        child.send("\x7f" * 20 + "[kafka, nats, nats]\r")
        shows(child, "2 problems: (1) engines names 'kafka', which the suite does not run: "
                     "choose among nats, redis; (2) engines names 'nats' 2 times")  # fmt: skip
        child.send("\x7f" * 40 + "[redis]\r")
        child.expect("The services")  # accepted: the next question
        child.sendintr()
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert not dest.exists()
