"""Copier's output as the tool reports it: messages, never Python tracebacks."""

from __future__ import annotations

from workspace.copier_cli import Result, without_tracebacks

REJECTED = """\
Traceback (most recent call last):
  File "/venv/lib/python3.12/site-packages/copier/_main.py", line 655, in _ask
    question.validate_answer(answer)
  File "/venv/lib/python3.12/site-packages/copier/_user_data.py", line 472, in validate_answer
    raise ValueError(
ValueError: Validation error for question 'services': 2 problems, one per line:
- service 'a' uses port 9090, which Prometheus uses: give it another port
- services 'a' and 'b' both use route '/a': give one another route
"""

CHAINED = """\
Copying from template version 1.0.0
Traceback (most recent call last):
  File "x.py", line 1, in <module>
    open("missing")
FileNotFoundError: [Errno 2] No such file or directory: 'missing'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "x.py", line 3, in <module>
    raise copier.errors.TaskError("boom")
copier.errors.TaskError: Task 'initial commit' returned non-zero exit status 1.
"""


def test_a_rejection_is_the_message_alone() -> None:
    assert without_tracebacks(REJECTED) == [
        "Validation error for question 'services': 2 problems, one per line:",
        "- service 'a' uses port 9090, which Prometheus uses: give it another port",
        "- services 'a' and 'b' both use route '/a': give one another route",
    ]
    assert Result(1, REJECTED).text().startswith("Validation error for question 'services'")


def test_chained_exceptions_keep_each_message_and_what_copier_printed() -> None:
    kept = [line for line in without_tracebacks(CHAINED) if line]
    assert kept == [
        "Copying from template version 1.0.0",
        "[Errno 2] No such file or directory: 'missing'",
        "Task 'initial commit' returned non-zero exit status 1.",
    ]


def test_tail_is_the_last_lines_without_tracebacks() -> None:
    assert Result(1, REJECTED).tail(1) == (
        "- services 'a' and 'b' both use route '/a': give one another route"
    )
    assert Result(0, "one\ntwo\n").tail() == "one\ntwo"
