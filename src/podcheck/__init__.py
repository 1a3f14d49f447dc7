"""podcheck: assess a product integration team against the integration-team playbook.

    >>> import podcheck
    >>> team = podcheck.load_assessment("assessments/examples/payments.yaml")
    >>> result = podcheck.assess(team)
    >>> result.stage.id, result.score, [f.id for f in result.findings]
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("podcheck")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0"

from .catalog import DEFAULT_RUBRIC, Rubric, questions  # noqa: E402
from .errors import InputError, Problem  # noqa: E402
from .files.assessment import (  # noqa: E402
    find_assessment_files,
    load_assessment,
    parse_assessment,
    parse_assessment_text,
)
from .files.rubric import load_rubric  # noqa: E402
from .model import Assessment  # noqa: E402
from .plan import assess_with_plan as assess  # noqa: E402  (the result with its plan, as the CLI gives it)
from .result import Finding, Result  # noqa: E402
from .rules import registry  # noqa: E402

__all__ = [
    "DEFAULT_RUBRIC", "Assessment", "Finding", "InputError", "Problem", "Result", "Rubric", "__version__",
    "assess", "find_assessment_files", "load_assessment", "load_rubric", "parse_assessment",
    "parse_assessment_text", "questions", "registry",
]
