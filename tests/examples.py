"""How many examples a property test tries.

`make test` tries each property's full number. `make unit`, the inner loop that must stay
under 20 seconds, sets PROPERTY_SCALE=0.3 and tries about a third; PROPERTY_SCALE=25 hunts
deeper. Hypothesis keeps a failing example in .hypothesis/ and tries it first next time, so a
failure found by a full run is not lost by a quick one.
"""

from __future__ import annotations

import os


def examples(full: int, least: int = 10) -> int:
    """`full` scaled by PROPERTY_SCALE (1 when unset), never below `least`."""
    try:
        scale = float(os.environ.get("PROPERTY_SCALE", "1"))
    except ValueError:
        scale = 1.0
    return max(least, round(full * scale))
