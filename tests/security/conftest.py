"""Shared pieces of the hostile-input suite (issue #7): payloads and a loopback listener."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.loopback import Listener, listening

# The payloads every text field gets (SECURITY-NOTES §1.1 V1, §3 last item).
XSS_PAYLOADS = (
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}",
    "'; DROP TABLE cases_case; --",
)


@pytest.fixture
def listener() -> Iterator[Listener]:
    with listening(b"CANARY-LISTENER-5e1d", "image/png") as server:
        yield server
