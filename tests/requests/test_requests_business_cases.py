"""Business cases of requests over time: the time to answer is real time across a clock
change, and a command dated before the request's last change is refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from request_samples import MANAGER, draft

from crmcore.errors import DomainValidationError
from crmcore.ids import RequestId
from crmcore.requests import register_request, response_times, take_request

BERLIN = ZoneInfo("Europe/Berlin")
# Clocks in Berlin go from 02:00 to 03:00 on 29 March 2026.
NIGHT = datetime(2026, 3, 29, 1, 30, tzinfo=BERLIN)


def test_a_request_of_01_30_answered_at_03_30_on_the_change_night_waited_one_hour() -> None:
    request = register_request(draft(), request_id=RequestId("r-1"), now=NIGHT).entity
    answered = take_request(
        request, now=datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN), manager=MANAGER, actor=MANAGER
    ).entity
    assert response_times([answered]).first_response == timedelta(hours=1)


def test_a_request_taken_ten_days_before_it_was_registered_is_refused_naming_now() -> None:
    request = register_request(draft(), request_id=RequestId("r-1"), now=NIGHT).entity
    with pytest.raises(DomainValidationError) as refused:
        take_request(request, now=NIGHT - timedelta(days=10), manager=MANAGER, actor=MANAGER)
    assert refused.value.field == "now"
