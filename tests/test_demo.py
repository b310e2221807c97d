"""`make demo` renders a workspace of this checkout (its second half, `make dev` in it, is
what the tier-4 tests run)."""

import sys
from pathlib import Path

import pytest

from helpers import ROOT, answers, git, run

pytestmark = pytest.mark.render


def test_demo_renders_the_checkout_with_its_services_and_cleans_up(tmp_path: Path) -> None:
    dest = tmp_path / "demo"
    run([sys.executable, ROOT / "scripts" / "demo.py", "--render-only", "--dest", dest])
    recorded = answers(dest)
    assert recorded["project_slug"] == "demo"
    template = tmp_path / ".demo-template"
    assert recorded["_src_path"] == str(template)
    assert git(template, "rev-parse", "HEAD").startswith(recorded["_commit"])
    # The checkout as it is, uncommitted changes included.
    assert (template / "copier.yml").read_text() == (ROOT / "copier.yml").read_text()
    for name in ("api", "web"):
        service = dest / "services" / name
        assert answers(service)["service_name"] == name
        assert git(service, "log", "--format=%s") == "Initial commit from Polystack"
    assert (dest / "Procfile").is_file()
    # `make clean` removes both, with the system's Python: it needs only the standard library.
    run(["python3", "-I", ROOT / "scripts" / "demo.py", "--clean", "--dest", dest])
    assert sorted(tmp_path.iterdir()) == []
