"""Helpers for step-3 tests: real and disguised files, volunteers, flagged messages.

All names, numbers and message texts are synthetic.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from collectguard.accounts.models import User
from collectguard.cases.models import Case


def jpeg_bytes(*, size: tuple[int, int] = (64, 48), comment: bytes = b"") -> bytes:
    """A real JPEG with EXIF (camera make, time taken), so tests can see EXIF survive."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SyntheticCam"  # Make
    exif[0x0132] = "2025:11:03 23:41:00"  # DateTime
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=comment or b"synthetic")
    return out.getvalue()


def png_bytes(*, colour: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(out, format="PNG")
    return out.getvalue()


def upload(
    client: Client,
    case: Case,
    data: bytes,
    name: str,
    *,
    description: str = "催收短信截图",
    purpose: str = "证明对方在夜间发送威胁短信",
    kind: str = "screenshot",
    **extra: Any,
) -> Any:
    return client.post(
        reverse("evidence:upload", args=[case.pk]),
        {
            "file": SimpleUploadedFile(name, data),
            "description": description,
            "purpose": purpose,
            "kind": kind,
        },
        **extra,
    )


def make_flagged_message(case: Case, body: str, *, hours_ago: int = 1, **extra: Any) -> Any:
    from collectguard.intake.models import Message

    fields: dict[str, Any] = {
        "case": case,
        "sender": "17012345678",
        "sender_kind": "virtual_mobile",
        "body": body,
        "received_at": timezone.now() - timedelta(hours=hours_ago),
        "source": "paste",
        "categories": ["intimidation"],
        "findings": [
            {"category": "intimidation", "start": 0, "end": 2, "provisions": ["PSL-50-1"]}
        ],
        "is_flagged": True,
        "dedupe_key": f"test-{Message.objects.count() + 1}-{hours_ago}",
    }
    fields.update(extra)
    return Message.objects.create(**fields)


@pytest.fixture
def shared_volunteer_client(case: Case) -> Client:
    """A verified volunteer of an organisation the case is shared with (read-only access)."""
    from tests.review.factories import (
        make_organisation,
        make_volunteer,
        share_with,
        verified_client,
    )

    organisation = make_organisation("某某县法律援助中心")
    volunteer = make_volunteer("vera", organisation)
    share_with(case, organisation=organisation)
    return verified_client(volunteer)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    client = Client()
    client.force_login(outsider)
    return client
