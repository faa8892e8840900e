"""The corpus API's handler: what `jobmock serve` would answer for a shelf job (render only)."""

from __future__ import annotations

from typing import Any

from jobmock.model.lifecycle import count
from jobmock.model.timestamps import rfc3339


def render(view: Any) -> dict[str, Any]:
    snapshot, total = view.snapshot, view.fields.get("total", 0)
    fraction = snapshot.counters.get("processed", 0.0)
    body = {
        "id": view.job.id,
        "status": snapshot.status,
        "processed": count(total, fraction) if isinstance(total, int) and total > 0 else 0,
        "total": total,
    }
    if snapshot.terminal:
        body["finishedAt"] = rfc3339(snapshot.entered[snapshot.status])
    return body
