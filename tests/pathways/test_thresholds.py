"""Readiness bands: many fits at once (`Thresholds.in_band`) banded as one at a time (`band`)."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from pathways.scoring import DEFAULT_THRESHOLDS, READINESS_BANDS, Thresholds

fits = st.lists(st.floats(min_value=0, max_value=100) | st.sampled_from([0.0, 54.99, 55.0, 84.99, 85.0, 100.0]))


@given(fits, st.sampled_from([DEFAULT_THRESHOLDS, Thresholds(70.0, 40.0), Thresholds(50.0, 50.0)]))
def test_each_fit_is_in_exactly_the_band_that_band_names(values, thresholds):
    array = np.array(values, dtype=float)
    masks = {band: thresholds.in_band(array, band) for band in READINESS_BANDS}
    for i, fit in enumerate(values):
        assert [band for band in READINESS_BANDS if masks[band][i]] == [thresholds.band(fit)]


def test_the_bands_are_named_best_first():
    assert READINESS_BANDS == ("ready now", "ready with development", "stretch")
    assert [DEFAULT_THRESHOLDS.band(fit) for fit in (100, 85, 84.9, 55, 54.9, 0)] == [
        "ready now",
        "ready now",
        "ready with development",
        "ready with development",
        "stretch",
        "stretch",
    ]
