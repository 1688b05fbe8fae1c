"""Print the runtime dependencies pinned at their declared floors (``name>=x`` becomes ``name==x``).

CI installs the project with these as constraints and runs the app tests, so a floor in
pyproject.toml is one that has been seen to work.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
for requirement in project["dependencies"]:
    match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?>=([^,;\s]+)", requirement.strip())
    if match is None:
        raise SystemExit(f"a runtime dependency without a plain floor: {requirement!r}")
    print(f"{match.group(1)}=={match.group(3)}")
