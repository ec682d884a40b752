"""The report's time: which moment it says it was made, and how that is written."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from .error import ReportError

MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


def report_time(value: str | None = None, environ: dict[str, str] | None = None) -> datetime:
    """The report's time: ``value`` (ISO 8601, e.g. 2026-01-31T09:00), else the
    SOURCE_DATE_EPOCH convention (seconds since 1970, UTC), else the local clock.
    Raises ReportError on a malformed value."""
    env = os.environ if environ is None else environ
    if value is not None:
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            raise ReportError([f"--now: {value!r} is not a date and time like 2026-01-31T09:00"]) from None
    epoch = env.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip() != "":
        try:
            return datetime.fromtimestamp(int(epoch.strip()), tz=UTC)
        except (ValueError, OverflowError, OSError):
            raise ReportError([f"SOURCE_DATE_EPOCH: {epoch!r} is not a whole number of seconds"]) from None
    return datetime.now().astimezone().replace(microsecond=0)


def format_time(now: datetime) -> str:
    """31 January 2026 at 09:00 (UTC), independent of the locale."""
    text = f"{now.day} {MONTHS[now.month - 1]} {now.year} at {now:%H:%M}"
    offset = now.utcoffset()
    if offset is None:
        return text
    total = int(offset.total_seconds()) // 60
    if total == 0:
        return f"{text} (UTC)"
    hours, minutes = divmod(abs(total), 60)
    return f"{text} (UTC{'+' if total > 0 else '-'}{hours:02d}:{minutes:02d})"
