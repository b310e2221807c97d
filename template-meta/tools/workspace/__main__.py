"""Entry point: `python tools/workspace <command>`, or `python -m workspace` from tools/."""

import sys
from pathlib import Path

if not __package__:  # run as a folder: make the package importable by its name
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workspace.cli import main

raise SystemExit(main())
