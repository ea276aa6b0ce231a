"""The request pages through HTTP: access, validation, check answers, submission, submitted page."""

from __future__ import annotations

from requests_helpers import VALID_DETAILS, fill_details, submitted_request, to_outcome


def test_smoke(client) -> None:
    walker = to_outcome(client)
    submitted_request(walker)
    page = walker.follow("/request/submitted")
    assert page.status_code == 200
