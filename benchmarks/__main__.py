"""``python -m benchmarks`` (``make bench``): what the software adds to the model's time, and the offline figures.

Every figure is measured in one run on this machine; timings vary from run to run, which is why
they live here and not in pass/fail tests (the tests check the mechanisms instead).
"""

from __future__ import annotations

import argparse
import platform
from datetime import UTC, datetime
from os import cpu_count

from . import app_start, eval_commands, interview, offline

SECTIONS = {
    "interview": ("A whole interview on the anthropic backend, against the fake API", interview.main),
    "offline": ("The offline backend", offline.main),
    "app": ("The app", app_start.main),
    "evals": ("The eval harness's offline commands", eval_commands.main),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", metavar="section", help=f"any of {', '.join(SECTIONS)} (all by default)")
    args = parser.parse_args(argv)
    unknown = [s for s in args.sections if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {', '.join(unknown)}: choose from {', '.join(SECTIONS)}")
    print(
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.python_implementation()} {platform.python_version()}, "
        f"{cpu_count()} cores, {platform.machine()}"
    )
    for name in args.sections or SECTIONS:
        title, run = SECTIONS[name]
        print(f"\n{title}")
        run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
