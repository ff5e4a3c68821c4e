"""Percentiles and summaries of timing samples (stdlib only)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable


def quantile(values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default); ``values`` sorted."""
    if len(values) == 1:
        return values[0]
    k = (len(values) - 1) * q
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def summary(samples: Iterable[float | None]) -> dict[str, float | int | None]:
    """n, p50, p95, min, max, mean of the samples that are not None (timeouts are None and
    counted apart, in ``missing``)."""
    raw = list(samples)
    values = sorted(v for v in raw if v is not None)
    if not values:
        return {"n": 0, "missing": len(raw), "p50": None, "p95": None, "min": None, "max": None}
    return {
        "n": len(values),
        "missing": len(raw) - len(values),
        "p50": round(quantile(values, 0.5), 3),
        "p95": round(quantile(values, 0.95), 3),
        "min": round(values[0], 3),
        "max": round(values[-1], 3),
        "mean": round(statistics.fmean(values), 3),
    }
