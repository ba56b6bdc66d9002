"""Where the grid cannot make up a low load forecast (an outage, a cap), the plan keeps more back."""

from __future__ import annotations

import numpy as np

from custom_components.headroom.policy.problem import OUTAGE_LOAD_MARGIN, with_outage_margin


def test_the_load_is_planned_higher_only_where_a_grid_request_lowers_the_limit() -> None:
    base = np.array([1.0, 1.0, 1.0, 1.0])
    limit = np.array([0.0, 0.0, 17.25, 17.25])  # an outage now and in the next step, then the fuse
    assumptions: list[str] = []
    planned = with_outage_margin(base, limit, 17.25, assumptions)
    # Now is measured: no margin; the next step is an outage: the margin; the fuse's steps: none.
    assert list(planned) == [1.0, 1.0 + OUTAGE_LOAD_MARGIN, 1.0, 1.0]
    assert assumptions and "above its forecast" in assumptions[0]
    assert list(base) == [1.0, 1.0, 1.0, 1.0]  # the forecast itself is untouched


def test_without_a_grid_request_nothing_changes() -> None:
    base = np.array([0.4, 2.0, 0.7])
    assumptions: list[str] = []
    assert with_outage_margin(base, np.full(3, 17.25), 17.25, assumptions) is base
    assert assumptions == []
