"""The validation settings other layers name without running a validation.

Kept apart from the runner and the suites (which import pandas, and GX on first use) so that the
asset checks can be defined, and the code location loaded, without either."""

from typing import Literal

Severity = Literal["ERROR", "WARN"]
DEFAULT_BATCH_SIZE = 5000
MAX_EXAMPLE_IDS = 20
