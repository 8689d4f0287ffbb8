"""The zones the kit writes moments in, so that a store comparing local text or wall-clock
time fails: offsets from -11:00 to +14:00, with halves, quarters and clock changes."""

from __future__ import annotations

from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

__all__ = ["ZONES", "in_zone"]

ZONES: Final = (
    "Pacific/Kiritimati",  # +14:00
    "America/New_York",  # -05:00 / -04:00, with a repeated hour in November
    "Asia/Kolkata",  # +05:30
    "UTC",
    "Pacific/Pago_Pago",  # -11:00
    "Europe/Moscow",  # +03:00
    "America/St_Johns",  # -03:30 / -02:30
    "Asia/Kathmandu",  # +05:45
    "Europe/Berlin",  # +01:00 / +02:00, with a skipped hour in March
    "Pacific/Chatham",  # +12:45 / +13:45
)
"""Zones whose offsets span the whole range, with halves, quarters and clock changes."""


def in_zone(moment: datetime, number: int) -> datetime:
    """``moment``, the same instant, written in the ``number``-th zone of :data:`ZONES`."""
    return moment.astimezone(ZoneInfo(ZONES[number % len(ZONES)]))
