"""Every URL of the project, for every persona, GET and POST: the status each one must get.

SECURITY-NOTES §8. The URL patterns are read from the resolver, so a new URL that is not in
EXPECTED fails `test_every_url_is_in_the_matrix`: decide who may use it, then add a row.

Each request runs inside a savepoint that is rolled back afterwards, so a POST by one persona
(a revocation, an accepted invitation) never changes what the next persona sees, and a refused
request is checked for having changed nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.evidence.models import Filing
from collectguard.intake.models import ImportBatch
from collectguard.negotiation.files import check_upload
from collectguard.negotiation.models import FileKind
from collectguard.negotiation.schedule import ProposalTerms
from collectguard.negotiation.services import (
    agreement_create,
    contact_create,
    negotiation_files_add,
    proposal_create,
)
from collectguard.review.models import Comment, Membership, Share
from collectguard.review.services import (
    comment_create,
    invitation_create,
    letter_approve,
)
from collectguard.review.targets import resolve_target
from tests.conftest import make_user
from tests.review.factories import (
    expire,
    make_evidence,
    make_letter,
    make_message,
    make_organisation,
    make_volunteer,
    revoke,
    share_with,
    verified_client,
)

SKIPPED_PREFIXES = ("admin/", "i18n/", "static/")
PERSONAS = (
    "anonymous",
    "other_borrower",
    "volunteer_no_access",
    "volunteer_revoked",
    "volunteer_expired",
    "staff",
    "volunteer",
    "owner",
)


def walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            if route.startswith(SKIPPED_PREFIXES):
                continue
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield name, route, pattern


ALL_URLS = {name: (route, pattern) for name, route, pattern in walk(get_resolver().url_patterns)}


# The expected statuses ----------------------------------------------------------------------
#
# For each URL and method, `Access` names who may use it (its kind) and what they get: GET a
# page is 200; an empty POST is 200 or 400 when a form comes back with errors, 302 when
# something happened; 405 when the URL does not take that method. Everyone else gets what
# their kind says: 302 to the login page when anonymous; 404 for a case that is not theirs
# right now (existence is not revealed); 403 for a volunteer using a write view of a case they
# may only read; 404 for volunteer or staff pages reached by another kind of account.

LOGIN = 302

_NO_CASE = {
    "other_borrower": 404,
    "volunteer_no_access": 404,
    "volunteer_revoked": 404,
    "volunteer_expired": 404,
    "staff": 404,
}
_NOT_VOLUNTEER = {"owner": 404, "other_borrower": 404, "staff": 404}
_NOT_STAFF = {
    "owner": 404,
    "other_borrower": 404,
    "volunteer": 404,
    "volunteer_no_access": 404,
    "volunteer_revoked": 404,
    "volunteer_expired": 404,
}
# Who is refused, and how, for each kind of URL.
_DENIED: dict[str, dict[str, int]] = {
    "public": {},  # anyone, logged in or not
    "user": {"anonymous": LOGIN},  # any logged-in account
    "owner": {"anonymous": LOGIN, **_NO_CASE, "volunteer": 403},  # the case's owner only
    "read": {"anonymous": LOGIN, **_NO_CASE},  # the owner and volunteers with access now
    "volunteer_case": {"anonymous": LOGIN, **_NO_CASE, "owner": 404},  # volunteers with access
    "volunteer": {"anonymous": LOGIN, **_NOT_VOLUNTEER},  # any verified volunteer
    "staff": {"anonymous": LOGIN, **_NOT_STAFF},  # verified staff
}
# Before the method is checked, these kinds check the kind of account (decorators).
_GATES = {"volunteer": _NOT_VOLUNTEER, "volunteer_case": _NOT_VOLUNTEER, "staff": _NOT_STAFF}


@dataclass(frozen=True)
class Access:
    kind: str
    status: int
    override: tuple[tuple[str, int], ...] = ()

    def expected(self, persona: str) -> int:
        overrides = dict(self.override)
        if persona in overrides:
            return overrides[persona]
        if self.status == 405:
            # The URL does not take this method: only the login and account-kind gates
            # come first.
            if self.kind != "public" and persona == "anonymous":
                return LOGIN
            return _GATES.get(self.kind, {}).get(persona, 405)
        return _DENIED[self.kind].get(persona, self.status)


def _access(kind: str) -> Any:
    def make(status: int = 200, **override: int) -> Access:
        return Access(kind, status, tuple(sorted(override.items())))

    return make


public = _access("public")
user = _access("user")
owner = _access("owner")
read = _access("read")
volunteer_case = _access("volunteer_case")
volunteer = _access("volunteer")
staff = _access("staff")
NO = 405

ALL_LOGGED_IN = [p for p in PERSONAS if p != "anonymous"]
# Pages for people not logged in: a logged-in account is sent on.
SENT_ON = dict.fromkeys(ALL_LOGGED_IN, 302)
# Accounts with no second factor yet (the borrowers here) versus verified ones.
NO_DEVICE = ("owner", "other_borrower")

EXPECTED: dict[str, tuple[Access, Access]] = {
    # name: (GET, POST)
    "home": (public(), public(NO)),
    "healthz": (public(), public(200)),
    # Accounts
    "accounts:signup": (public(200, **SENT_ON), public(200, **SENT_ON)),
    "accounts:login": (public(200, **SENT_ON), public(200, **SENT_ON)),
    "accounts:logout": (public(NO), public(302)),
    "accounts:settings": (user(), user(200)),
    "accounts:delete": (user(), user(400)),
    # Second step of login: no pending login -> log in; no device -> set one up; verified ->
    # sent on. All of them redirect.
    "accounts:two_factor_verify": (public(302), public(302)),
    "accounts:two_factor_setup": (
        user(302, **dict.fromkeys(NO_DEVICE, 200)),
        user(302, **dict.fromkeys(NO_DEVICE, 400)),
    ),
    "accounts:two_factor_recovery_codes": (
        user(200, **dict.fromkeys(NO_DEVICE, 302)),
        user(200, **dict.fromkeys(NO_DEVICE, 302)),
    ),
    "accounts:two_factor_regenerate": (user(NO), user(400, **dict.fromkeys(NO_DEVICE, 302))),
    "accounts:two_factor_reset": (user(NO), user(400)),
    "accounts:invitation": (public(), public(NO)),
    "accounts:invitation_signup": (public(NO), public(302, anonymous=400)),
    "accounts:invitation_login": (public(NO), public(302, anonymous=400)),
    "accounts:invitation_accept": (user(NO), user(302)),
    "accounts:password_change": (user(), user(200)),
    "accounts:password_change_done": (user(), user(NO)),
    "accounts:password_reset": (public(), public(200)),
    "accounts:password_reset_done": (public(), public(NO)),
    "accounts:password_reset_confirm": (public(), public(200)),
    "accounts:password_reset_complete": (public(), public(NO)),
    # Cases
    "cases:list": (user(), user(NO)),
    "cases:create": (user(), user(200)),
    "cases:detail": (read(), read(NO)),
    "cases:edit": (owner(), owner(200)),
    "cases:archive": (owner(NO), owner(302)),
    "cases:delete": (owner(), owner(400)),
    # Step 1
    "intake:overview": (read(), read(NO)),
    "intake:messages": (read(), read(NO)),
    "intake:senders": (read(), read(NO)),
    "intake:statistics": (read(), read(NO)),
    "intake:import_result": (read(), read(NO)),
    "intake:paste": (owner(), owner(200)),
    "intake:paste_preview": (owner(NO), owner(200)),
    "intake:manual": (owner(), owner(200)),
    "intake:upload": (owner(), owner(200)),
    "intake:keep_all": (owner(NO), owner(302)),
    # Step 2
    "negotiation:overview": (read(), read(NO)),
    "negotiation:situation": (owner(), owner(200)),
    "negotiation:documents": (owner(NO), owner(200)),
    "negotiation:proposals": (read(), read(NO)),
    "negotiation:proposal": (read(), read(NO)),
    "negotiation:proposal_new": (owner(), owner(200)),
    "negotiation:proposal_edit": (owner(), owner(200)),
    "negotiation:proposal_choose": (owner(NO), owner(302)),
    "negotiation:proposal_delete": (owner(NO), owner(302)),
    "negotiation:script": (read(), read(NO)),
    "negotiation:script_print": (read(), read(NO)),
    "negotiation:letter": (read(), read(NO)),
    "negotiation:letter_preview": (read(), read(NO)),
    "negotiation:letter_pdf": (read(), read(NO)),
    "negotiation:contacts": (read(), read(NO)),
    "negotiation:contact_new": (owner(), owner(200)),
    "negotiation:contact_edit": (owner(), owner(200)),
    "negotiation:contact_attach": (owner(NO), owner(302)),
    "negotiation:agreement": (read(), read(NO)),
    "negotiation:agreement_new": (owner(), owner(200)),
    "negotiation:agreement_confirm": (owner(NO), owner(200)),
    "negotiation:payment_paid": (owner(NO), owner(200)),
    "negotiation:payment_unpaid": (owner(NO), owner(302)),
    "negotiation:file": (read(), read(NO)),
    # Step 3
    "evidence:overview": (read(), read(NO)),
    "evidence:upload": (owner(NO), owner(400)),
    "evidence:custody": (read(), read(NO)),
    "evidence:item": (read(), read(NO)),
    "evidence:download": (read(), read(NO)),
    "evidence:preview": (read(), read(NO)),
    "evidence:edit": (owner(), owner(400)),
    "evidence:delete": (owner(), owner(400)),
    "evidence:documents": (read(), read(NO)),
    "evidence:document_new": (owner(), owner(400)),
    "evidence:document_new_channel": (owner(), owner(400)),
    "evidence:document": (read(), read(NO)),
    "evidence:document_pdf": (read(), read(NO)),
    "evidence:document_page": (read(), read(NO)),
    "evidence:complaints": (read(), read(NO)),
    "evidence:pack": (read(), read(NO)),
    "evidence:checklist": (read(), owner(400)),
    "evidence:filing_edit": (owner(), owner(400)),
    "evidence:filing_delete": (owner(NO), owner(302)),
    # Review: volunteers
    "review:queue": (volunteer(), volunteer(NO)),
    "review:open_code": (volunteer(), volunteer(400)),
    "review:share_link": (volunteer_case(302), volunteer_case(NO)),
    "review:case": (volunteer_case(), volunteer_case(NO)),
    "review:comment_create": (volunteer_case(NO), volunteer_case(400)),
    "review:changes_create": (volunteer_case(NO), volunteer_case(400)),
    "review:letter_approve": (volunteer_case(NO), volunteer_case(400)),
    # Review: the owner and volunteers with access
    "review:approved_pdf": (read(), read(NO)),
    # Review: the owner only
    "review:sharing": (owner(), owner(NO)),
    "review:share_create": (owner(NO), owner(400)),
    "review:share_update": (owner(NO), owner(302)),
    "review:share_revoke": (owner(NO), owner(302)),
    "review:comment_resolve": (owner(NO), owner(302)),
    "review:access_log": (owner(), owner(NO)),
    "review:export": (owner(), owner(200)),
    # Review: staff
    "review:organisation_list": (staff(), staff(400)),
    "review:organisation_detail": (staff(), staff(NO)),
    "review:invitation_create": (staff(NO), staff(302)),
    "review:invitation_revoke": (staff(NO), staff(302)),
    "review:membership_deactivate": (staff(NO), staff(302)),
}


# The world every request runs against ----------------------------------------------------


@dataclass
class World:
    case: Case
    clients: dict[str, Client]
    kwargs: dict[str, Any]
    staff_organisation_pk: int
    secrets: list[str]


def _other_apps_objects(case: Case, borrower: User) -> dict[str, Any]:
    """Objects of steps 1-3 in the case, for the URLs that name them."""
    first_due = timezone.localdate() + timedelta(days=20)
    terms = ProposalTerms(
        kind="instalments", principal=Decimal("1200.00"), months=3, first_due=first_due
    )
    proposal = proposal_create(case=case, label="3 期", terms=terms)
    contact = contact_create(
        case=case,
        fields={
            "occurred_at": timezone.now() - timedelta(days=1),
            "channel": "phone_in",
            "their_number": "13800000000",
            "organisation": "某某资产管理公司",
            "their_name": "王经理",
            "summary": "对方要求今天全额还清。",
            "outcome": "considering",
        },
        uploaded_by=borrower,
    )
    agreement = agreement_create(
        case=case,
        terms=terms,
        fields={
            "agreed_at": timezone.now() - timedelta(hours=2),
            "agreed_with_name": "李专员",
            "agreed_via": "phone_out",
        },
        uploaded_by=borrower,
        proposal=proposal,
    )
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    [negotiation_file] = negotiation_files_add(
        case=case,
        uploads=[
            check_upload(SimpleUploadedFile("hardship.pdf", pdf, content_type="application/pdf"))
        ],
        kind=FileKind.HARDSHIP,
        uploaded_by=borrower,
    )
    batch = ImportBatch.objects.create(
        case=case,
        kind="sms",
        original_name="backup.xml",
        sha256="0" * 64,
        size=1,
        created_by=borrower,
    )
    item = make_evidence(case)
    item.thumbnail_key = default_storage.save(
        f"cases/{case.pk}/evidence/preview.jpg", ContentFile(b"\xff\xd8\xff\xe0 preview")
    )
    item.save(update_fields=["thumbnail_key"])
    letter = make_letter(case)
    filing = Filing.objects.create(case=case, channel="12378", created_by=borrower)
    make_message(case)
    return {
        "batch_id": batch.pk,
        "proposal_id": proposal.pk,
        "contact_id": contact.pk,
        "payment_id": agreement.payments.first().pk,
        "file_id": negotiation_file.pk,
        "item": item.uuid,
        "doc": letter.pk,
        "document_id": letter.pk,
        "filing": filing.pk,
        "kind": "complaint",
        "channel": "12378",
        "_letter": letter,
    }


@pytest.fixture(autouse=True)
def _storage_in_tmp() -> None:
    """Replaces the per-test storage of tests/conftest.py: the world below is built once for
    the module, with its files in the module's own temporary storage (see `world`)."""


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Built once: every request runs in a savepoint that is rolled back, so nothing a test
    does reaches the next one. The whole world is rolled back at the end of the module."""
    media = tmp_path_factory.mktemp("matrix-media")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    with (
        override_settings(
            MEDIA_ROOT=media,
            STORAGES=storages,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> World:
    borrower = make_user("alice")
    other = make_user("bob")
    organisation = make_organisation("某某县法律援助中心")
    elsewhere = make_organisation("另一个法律援助站")
    volunteers = {
        "volunteer": make_volunteer("vera", organisation),
        "volunteer_no_access": make_volunteer("nina", elsewhere),
        "volunteer_revoked": make_volunteer("rita"),
        "volunteer_expired": make_volunteer("eric"),
    }
    staff_user = make_user("staffer", is_staff=True, is_superuser=True)
    case = Case.objects.create(
        owner=borrower, title="矩阵测试案件", lender="某某银行", amount_owed="12000.00"
    )
    share = share_with(case, organisation=organisation)
    revoke(share_with(case, volunteer=volunteers["volunteer_revoked"]))
    expire(share_with(case, volunteer=volunteers["volunteer_expired"]))

    objects = _other_apps_objects(case, borrower)
    letter = objects.pop("_letter")
    target = resolve_target(case, "letter", letter.pk)
    assert target is not None
    approval = letter_approve(
        case=case, letter=target, approved_by=volunteers["volunteer"], seen_sha256=letter.pdf_sha256
    )
    whole_case = resolve_target(case, "case", None)
    assert whole_case is not None
    comment = comment_create(
        case=case,
        author=volunteers["volunteer"],
        target=whole_case,
        body="请补充录音。",
        kind="changes",
        reasons=["missing_evidence"],
    )
    invitation, token = invitation_create(organisation=organisation, created_by=staff_user)

    clients = {"anonymous": Client()}
    for persona, person in (("owner", borrower), ("other_borrower", other)):
        clients[persona] = Client()
        clients[persona].force_login(person)
    for persona, person in volunteers.items():
        clients[persona] = verified_client(person)
    clients["staff"] = verified_client(staff_user)

    kwargs = {
        **objects,
        "pk": case.pk,
        "share_id": share.pk,
        "comment_id": comment.pk,
        "approval_id": approval.pk,
        "invitation_id": invitation.pk,
        "membership_id": Membership.objects.get(user=volunteers["volunteer"]).pk,
        "token": token,
        "code": share.code,
        "uidb64": urlsafe_base64_encode(force_bytes(borrower.pk)),
    }
    return World(
        case=case,
        clients=clients,
        kwargs=kwargs,
        staff_organisation_pk=organisation.pk,
        secrets=[case.title, "请补充录音。", "13800000000"],
    )


# URLs whose <pk> is an organisation, not a case.
ORGANISATION_URLS = {
    "review:organisation_detail",
    "review:invitation_create",
    "review:invitation_revoke",
    "review:membership_deactivate",
}


def url_for(name: str, world: World) -> str:
    _route, pattern = ALL_URLS[name]
    wanted = pattern.pattern.converters.keys()  # type: ignore[attr-defined]
    values = {key: world.kwargs[key] for key in wanted}
    if name in ORGANISATION_URLS:
        values["pk"] = world.staff_organisation_pk
    if name == "accounts:password_reset_confirm":
        values["token"] = "invalid-token"
    if name == "evidence:document_new":
        values["kind"] = "evidence_list"  # the one document without a channel
    return reverse(name, kwargs=values)


WATCHED_APPS = {"accounts", "cases", "intake", "negotiation", "evidence", "review", "legal"}
IGNORED_FOR_STATE = {
    "review.accesslogentry",  # refused attempts are logged on purpose
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "otp_totp.totpdevice",
    "otp_static.staticdevice",
}


def _watched_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in WATCHED_APPS
        and model._meta.label_lower not in IGNORED_FOR_STATE
        and not model._meta.proxy
    )


def fingerprint(case_pk: int) -> tuple[Any, ...]:
    """Row counts of the app's tables and the mutable state of the case and its shares and
    comments: what a refused request must not change. One query."""
    quote = connection.ops.quote_name
    # Table names come from the models, not from input.
    counts = [f"(SELECT COUNT(*) FROM {quote(table)})" for table in _watched_tables()]  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(counts))
        row = cursor.fetchone()
    case = tuple(Case.objects.filter(pk=case_pk).values_list("version", "status", "title"))
    shares = tuple(
        Share.objects.order_by("pk").values_list("revoked_at", "expires_at", "reveal_third_parties")
    )
    resolved = Comment.objects.filter(resolved_at__isnull=False).count()
    return (row, case, shares, resolved)


def request_in_savepoint(
    client: Client, method: str, url: str, case_pk: int, *, check_state: bool = True
) -> tuple[Any, bool]:
    """Make the request, report whether it changed anything, then undo whatever it did
    (database rows, and the client's cookies: a logout must not log the persona out)."""
    cookies = copy.deepcopy(client.cookies)
    savepoint = transaction.savepoint()
    try:
        before = fingerprint(case_pk) if check_state else None
        response = client.get(url) if method == "GET" else client.post(url, {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        changed = check_state and fingerprint(case_pk) != before
    finally:
        transaction.savepoint_rollback(savepoint)
        client.cookies = cookies
    return response, changed


def test_every_url_is_in_the_matrix() -> None:
    missing = sorted(set(ALL_URLS) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(ALL_URLS))
    message = []
    if missing:
        rows = "\n".join(f"  {name!r}  ({ALL_URLS[name][0]})" for name in missing)
        message.append(
            "URL patterns missing from EXPECTED in tests/test_permission_matrix.py — decide who "
            f"may use each one and add a row:\n{rows}"
        )
    if stale:
        message.append(f"Rows for URLs that no longer exist: {stale}")
    assert not message, "\n".join(message)


@pytest.mark.parametrize("name", sorted(set(ALL_URLS) & set(EXPECTED)))
def test_who_gets_what(name: str, world: World, db: None) -> None:
    url = url_for(name, world)
    wrong: list[str] = []
    for method, access in zip(("GET", "POST"), EXPECTED[name], strict=True):
        for persona in PERSONAS:
            expected = access.expected(persona)
            response, changed = request_in_savepoint(
                world.clients[persona], method, url, world.case.pk
            )
            if response.status_code != expected:
                wrong.append(
                    f"{method} as {persona}: got {response.status_code}, expected {expected}"
                )
                continue
            if response.status_code in (403, 404, 405, 410):
                if changed:
                    wrong.append(f"{method} as {persona}: refused ({expected}) but changed data")
                if not hasattr(response, "streaming_content"):
                    body = response.content.decode(errors="replace")
                    leaked = [secret for secret in world.secrets if secret in body]
                    if leaked:
                        wrong.append(f"{method} as {persona}: refused page shows {leaked}")
            sent_elsewhere = (
                expected == LOGIN
                and persona == "anonymous"
                and access.kind != "public"
                and not response["Location"].startswith(reverse("accounts:login"))
            )
            if sent_elsewhere:
                wrong.append(f"{method} as anonymous: redirected to {response['Location']}")
    assert not wrong, f"{name} ({url}):\n  " + "\n  ".join(wrong)


def test_the_world_is_what_the_matrix_assumes(world: World, db: None) -> None:
    """Guards the fixture itself: the statuses above mean nothing if the personas are wrong."""
    from collectguard.review.access import cases_shared_with

    shared = {
        persona: set(
            cases_shared_with(_as_request_user(world.clients[persona])).values_list("pk", flat=True)
        )
        for persona in (
            "volunteer",
            "volunteer_no_access",
            "volunteer_revoked",
            "volunteer_expired",
        )
    }
    assert shared == {
        "volunteer": {world.case.pk},
        "volunteer_no_access": set(),
        "volunteer_revoked": set(),
        "volunteer_expired": set(),
    }


def _as_request_user(client: Client) -> User:
    user = User.objects.get(pk=client.session["_auth_user_id"])
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    return user
