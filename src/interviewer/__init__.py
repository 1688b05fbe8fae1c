"""AI PM interview coach: the library behind the app and the eval harness.

A whole interview from Python::

    from interviewer import InterviewConfig, Interview, create_backend

    interview = Interview(create_backend("offline"), InterviewConfig(role="integrator"))
    print(interview.start().read())
    while not interview.finished:
        print(interview.answer(input("> ")).read())
    print(interview.report().role_fit.reason)
"""

from importlib.metadata import PackageNotFoundError, version

from .backends import Backend, create_backend
from .config import Settings
from .domain import InterviewConfig, Mode, QualityId, Report, Role
from .errors import InterviewerError
from .interview import Interview
from .storage import Store

try:
    __version__ = version("ai-pm-interview-coach")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Backend",
    "Interview",
    "InterviewConfig",
    "InterviewerError",
    "Mode",
    "QualityId",
    "Report",
    "Role",
    "Settings",
    "Store",
    "__version__",
    "create_backend",
]
