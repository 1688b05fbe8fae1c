"""``python -m interviewer``."""

from .cli import main

raise SystemExit(main())
