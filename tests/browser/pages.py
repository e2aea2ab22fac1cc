"""Every page of the borrower and volunteer journeys, with realistic content (issue #7).

The list is derived from the URL conf through tests/test_permission_matrix.py: each URL whose
GET answers 200 to someone is visited as that someone (nobody for public pages, the borrower for
their case, the volunteer for review pages and again for every case page a volunteer can read,
staff for staff pages). A URL added to the project must get a row in the matrix, and is then
visited here without any change; one that answers with something other than an HTML page must
be named in NOT_HTML (the walk checks both ways).

`walk_site` drives one browser context through all of them, in one language and at one width,
and hands each loaded page to a checker; a few pages only reached through a form (the login
error, the second login step, the pasted-message preview, a valid password-reset link, 404)
are visited on the way.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from PIL import Image, ImageDraw

from collectguard.evidence.services import document_generate, evidence_add
from collectguard.intake.services import backup_import
from collectguard.negotiation.services import situation_save
from collectguard.review.services import comment_create, letter_approve
from collectguard.review.targets import resolve_target
from tests.conftest import PASSWORD
from tests.intake.conftest import CALLS_SAMPLE, SMS_SAMPLE
from tests.review.factories import current_code, totp_device
from tests.test_permission_matrix import ALL_URLS, EXPECTED, World, build_world, url_for

# GET answers that are files, not pages: checked to be so during the walk.
NOT_HTML = {
    "healthz",
    "negotiation:letter_pdf",
    "negotiation:file",
    "evidence:download",
    "evidence:preview",
    "evidence:document_pdf",
    "evidence:document_page",
    "review:approved_pdf",
}
# Who visits the pages of each kind of URL in the matrix.
VISITOR = {
    "public": "anonymous",
    "user": "owner",
    "owner": "owner",
    "read": "owner",
    "volunteer": "volunteer",
    "volunteer_case": "volunteer",
    "staff": "staff",
}
ORDER = ("anonymous", "owner", "volunteer", "staff")
# Pages reached through a form or an error rather than by their own URL.
NOT_FOUND = "404"
RESET_FORM = "accounts:password_reset_confirm (valid link)"
LOGIN_ERROR = "accounts:login (wrong password)"
PASTE_PREVIEW = "intake:paste_preview"
SECOND_STEP = "accounts:two_factor_verify"
OTHER_PAGES = (NOT_FOUND, RESET_FORM, LOGIN_ERROR, PASTE_PREVIEW, SECOND_STEP)


@dataclass(frozen=True)
class Page:
    label: str
    persona: str
    name: str  # the URL name


def url_pages() -> list[Page]:
    """(URL name, visitor) for every URL a GET of which is a page for someone."""
    pages = []
    for name in sorted(ALL_URLS):
        get = EXPECTED[name][0]  # a KeyError here: add the URL to the permission matrix
        persona = VISITOR[get.kind]
        if get.expected(persona) == 200:
            pages.append(Page(name, persona, name))
        if get.kind == "read" and get.expected("volunteer") == 200:
            pages.append(Page(f"{name} (volunteer)", "volunteer", name))
    return sorted(pages, key=lambda page: ORDER.index(page.persona))


def _png(text: str) -> bytes:
    image = Image.new("RGB", (360, 640), "#f2f2f2")
    draw = ImageDraw.Draw(image)
    for row in range(8):
        draw.rectangle((20, 40 + row * 70, 300, 90 + row * 70), fill="#dfe8f0")
    draw.text((30, 20), text, fill="#333333")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def build_site() -> World:
    """The permission matrix's world (every object a URL names), made realistic: both sample
    phone backups imported (senders, findings, statistics), the borrower's situation, a real
    screenshot with its preview, a complaint letter rendered to PDF, approved by the volunteer
    and commented on."""
    world = build_world()
    case = world.case
    owner = case.owner
    for sample in (SMS_SAMPLE, CALLS_SAMPLE):
        with sample.open("rb") as handle:
            result = backup_import(
                case=case, user=owner, fileobj=handle, original_name=sample.name, keep_all=True
            )
    world.kwargs["batch_id"] = result.batch.pk
    situation_save(
        case=case,
        fields={
            "hardship_reason": "unemployment",
            "hardship_details": "2026年3月公司裁员后失业，目前靠打零工维持生活。",
            "monthly_income": Decimal("3500.00"),
            "essential_spending": Decimal("2600.00"),
            "can_pay_monthly": Decimal("400.00"),
            "applicant_name": "张某某",
        },
        debts=[{"lender": "某某消费金融", "amount": Decimal("8000.00"), "monthly_due": None}],
    )
    item = evidence_add(
        case=case,
        uploaded_by=owner,
        file=ContentFile(_png("synthetic screenshot"), name="催收短信截图.png"),
        description="对方在晚上 11 点发来的威胁短信截图",
        purpose="证明对方在夜间催收并威胁上门",
        kind="screenshot",
    )
    world.kwargs["item"] = item.uuid
    letter = document_generate(case=case, actor=owner, kind="complaint", channel="12378")
    world.kwargs["doc"] = letter.pk
    volunteer = volunteer_user(world)
    target = resolve_target(case, "letter", letter.pk)
    assert target is not None
    approval = letter_approve(
        case=case, letter=target, approved_by=volunteer, seen_sha256=letter.pdf_sha256
    )
    world.kwargs["document_id"] = letter.pk
    world.kwargs["approval_id"] = approval.pk
    comment_create(
        case=case,
        author=volunteer,
        target=target,
        body="投诉信里请写明对方第一次在夜间来电的日期。",
        kind="comment",
        reasons=[],
    )
    return world


Check = Callable[[Any, str], None]


def walk_site(context: Any, base_url: str, world: World, language: str, check: Check) -> None:
    """Visit every page in `language`, calling check(page, label) on each loaded page.

    Problems a checker finds are its own business (collect them); problems of the walk itself
    (a page that is not HTML, a file that is) fail at once."""
    page = context.new_page()
    owner = world.case.owner

    def visit(label: str, path: str, status: int = 200) -> None:
        response = page.goto(base_url + path)
        assert response is not None and response.status == status, (
            f"{label} ({path}): {response and response.status}, expected {status}"
        )
        kind = response.headers.get("content-type", "")
        assert kind.startswith("text/html"), f"{label} ({path}) answers {kind}: add to NOT_HTML"
        check(page, label)

    # Anonymous: the language is chosen with the footer buttons, like a visitor would.
    page.goto(base_url + "/")
    if language != "zh-hans":
        page.click(f"footer button[value={language}]")
        page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == ("zh-CN" if language == "zh-hans" else language)
    language_cookies = [c for c in context.cookies() if c["name"] == settings.LANGUAGE_COOKIE_NAME]

    pages = url_pages()
    files = {page.name for page in pages} & NOT_HTML
    assert files == NOT_HTML, f"NOT_HTML names URLs that are no pages: {NOT_HTML - files}"
    for item in pages:
        if item.persona == "anonymous" and item.name not in NOT_HTML:
            visit(item.label, url_for(item.name, world))
    visit(NOT_FOUND, "/no-such-page/", status=404)
    reset = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(owner.pk)),
            "token": default_token_generator.make_token(owner),
        },
    )
    visit(RESET_FORM, reset)  # redirected to the form
    page.goto(base_url + reverse("accounts:login"))
    page.fill("#id_username", owner.username)
    page.fill("#id_password", "not the password")
    page.click("main button[type=submit]")
    page.wait_for_selector("main .form-errors")
    check(page, LOGIN_ERROR)

    # The borrower logs in with a password.
    page.goto(base_url + reverse("accounts:login"))
    page.fill("#id_username", owner.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/cases/**")
    for item in pages:
        if item.persona == "owner" and item.name not in NOT_HTML:
            visit(item.label, url_for(item.name, world))
    page.goto(base_url + reverse("intake:paste", kwargs={"pk": world.case.pk}))
    page.fill("#id_text", "13612345678 2026-06-01 23:40 今天不还，明天就去你单位找你领导。")
    page.click("main button[value=preview]")
    page.wait_for_load_state()
    check(page, PASTE_PREVIEW)

    # The volunteer: password, then the authenticator code.
    context.clear_cookies()
    context.add_cookies(language_cookies)
    user = volunteer_user(world)
    page.goto(base_url + reverse("accounts:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/two-factor/")
    check(page, SECOND_STEP)
    page.fill("#id_code", current_code(totp_device(user)))
    page.click("main button[type=submit]")
    page.wait_for_url("**/review/")
    for item in pages:
        if item.persona == "volunteer" and item.name not in NOT_HTML:
            visit(item.label, url_for(item.name, world))

    # Staff (verified session made by the matrix's world).
    context.clear_cookies()
    context.add_cookies(language_cookies)
    name = settings.SESSION_COOKIE_NAME
    session = world.clients["staff"].cookies[name].value
    context.add_cookies([{"name": name, "value": session, "url": base_url}])
    for item in pages:
        if item.persona == "staff" and item.name not in NOT_HTML:
            visit(item.label, url_for(item.name, world))
    page.close()


def volunteer_user(world: World) -> Any:
    from collectguard.accounts.models import User

    return User.objects.get(pk=world.clients["volunteer"].session["_auth_user_id"])


def page_count() -> int:
    """Pages checked by one walk: the URL pages and those reached another way."""
    return len([page for page in url_pages() if page.name not in NOT_HTML]) + len(OTHER_PAGES)
