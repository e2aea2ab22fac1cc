"""Factories for review tests and the permission matrix: volunteers with two-factor sessions,
organisations, shares, and the other apps' objects volunteers comment on.

All names, numbers and texts are synthetic.
"""

from __future__ import annotations

import hashlib
import itertools
import uuid
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import Membership, Organisation, Share
from collectguard.review.services import share_create
from tests.conftest import make_user

_counter = itertools.count(1)


def make_organisation(name: str = "", **extra: Any) -> Organisation:
    return Organisation.objects.create(name=name or f"某某法律援助中心{next(_counter)}", **extra)


def make_volunteer(username: str, organisation: Organisation | None = None) -> User:
    user = make_user(username, is_volunteer=True)
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    if organisation is not None:
        Membership.objects.create(organisation=organisation, user=user)
    return user


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def current_code(device: TOTPDevice, *, offset_steps: int = 0) -> str:
    """The six digits the user's authenticator app shows now."""
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset_steps
    )
    return f"{value:0{device.digits}d}"


def verified_client(user: User) -> Client:
    """A client logged in as `user` whose session passed the second factor."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def make_case(owner: User, title: str = "某某网贷", **extra: Any) -> Case:
    return Case.objects.create(owner=owner, title=title, lender="某某小额贷款有限公司", **extra)


def share_with(
    case: Case,
    *,
    organisation: Organisation | None = None,
    volunteer: User | None = None,
    reveal: bool = False,
) -> Share:
    return share_create(
        case=case, organisation=organisation, volunteer=volunteer, reveal_third_parties=reveal
    )


def expire(share: Share) -> Share:
    Share.objects.filter(pk=share.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    share.refresh_from_db()
    return share


def revoke(share: Share) -> Share:
    Share.objects.filter(pk=share.pk).update(revoked_at=timezone.now())
    share.refresh_from_db()
    return share


# Other apps' objects ----------------------------------------------------------------------


def make_message(case: Case, body: str = "", **extra: Any) -> Any:
    from collectguard.intake.models import Message

    n = next(_counter)
    fields: dict[str, Any] = {
        "case": case,
        "sender": "10690000000",
        "sender_kind": "sms_platform",
        "body": body or "【某某金融】你的紧急联系人王小明 13812345678 已收到通知，今天不还就上门。",
        "received_at": timezone.now() - timedelta(hours=n),
        "source": "paste",
        "categories": ["third_party", "visit_threat"],
        "findings": [{"category": "third_party", "start": 6, "end": 12, "provisions": []}],
        "is_flagged": True,
        "dedupe_key": f"test-{n}",
    }
    fields.update(extra)
    return Message.objects.create(**fields)


def _store(key: str, data: bytes) -> str:
    return default_storage.save(key, ContentFile(data))


def make_evidence(case: Case, data: bytes = b"", **extra: Any) -> Any:
    from collectguard.evidence.models import EvidenceItem

    data = data or b"\x89PNG\r\n\x1a\n" + uuid.uuid4().bytes
    key = _store(f"cases/{case.pk}/evidence/{uuid.uuid4()}", data)
    fields: dict[str, Any] = {
        "case": case,
        "kind": "screenshot",
        "description": "催收短信截图",
        "storage_key": key,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "file_type": "png",
        "content_type": "image/png",
        "original_name": "screenshot.png",
        "uploaded_at": timezone.now(),
        "uploaded_by": case.owner,
    }
    fields.update(extra)
    return EvidenceItem.objects.create(**fields)


def fake_pdf(label: str = "") -> bytes:
    return (
        b"%PDF-1.7\n% synthetic test document "
        + (label or str(uuid.uuid4())).encode()
        + b"\n%%EOF\n"
    )


def make_letter(case: Case, data: bytes = b"", **extra: Any) -> Any:
    from collectguard.evidence.models import GeneratedDocument

    data = data or fake_pdf()
    key = _store(f"cases/{case.pk}/documents/{uuid.uuid4()}.pdf", data)
    fields: dict[str, Any] = {
        "case": case,
        "kind": "complaint",
        "channel": "12378",
        "title": "致国家金融监督管理总局的投诉信",
        "variables": {},
        "html": "<p>synthetic</p>",
        "template_version": "test",
        "pdf_key": key,
        "pdf_sha256": hashlib.sha256(data).hexdigest(),
        "pdf_size": len(data),
        "pages": 1,
        "created_by": case.owner,
        "created_at": timezone.now(),
    }
    fields.update(extra)
    return GeneratedDocument.objects.create(**fields)
