"""The Conventional Commits check of a generated repo, as its hook and its CI run it."""

from __future__ import annotations

from pathlib import Path

from helpers import run

# What commitizen (`cz check`) says of a message it refuses.
COMMITIZEN_REFUSAL = "commit validation: failed"


def check_commit_messages(
    repo: Path, env: dict[str, str], good: str, refusal: str = COMMITIZEN_REFUSAL
) -> None:
    """The commit-msg hook `make setup` installed refuses a message that is not a Conventional
    Commit, saying `refusal`; `make commits-check` (CI's step) refuses one in the range it
    checks. Runs on a throwaway branch, so the repo keeps its history."""
    assert (repo / ".git" / "hooks" / "commit-msg").is_file()
    base = run(["git", "rev-parse", "HEAD"], cwd=repo).stdout.strip()
    run(["git", "switch", "-q", "-c", "commit-check"], cwd=repo)
    try:
        commit = ["git", "commit", "-q", "--allow-empty", "-m"]
        refused = run([*commit, "changed some things"], cwd=repo, env=env, check=False)
        assert refused.returncode != 0 and refusal in refused.stdout, refused.stdout
        run([*commit, good], cwd=repo, env=env)
        run(["make", "commits-check", f"FROM={base}"], cwd=repo, env=env)
        run([*commit, "wip", "--no-verify"], cwd=repo, env=env)
        late = run(["make", "commits-check", f"FROM={base}"], cwd=repo, env=env, check=False)
        assert late.returncode != 0 and "wip" in late.stdout, late.stdout
    finally:
        run(["git", "switch", "-q", "-"], cwd=repo)
        run(["git", "branch", "-q", "-D", "commit-check"], cwd=repo)
