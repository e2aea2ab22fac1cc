"""Every text field of every form, filled with hostile text, comes back escaped (issue #7).

The forms are found, not listed: every URL of the project that takes a POST (read from the URL
conf through tests/test_permission_matrix.py) gets an empty POST, and the forms it binds are the
forms that URL accepts. Every text field of every such form is then filled with the five
payloads of tests/security/conftest.py and a marker naming the field (cut to the field's length,
see `_value`), everything is submitted once, and every HTML page of the matrix is fetched as its
owner, a volunteer or staff. Each value must show somewhere (a page, or the form shown back when
it is refused), escaped, and its raw form must show nowhere; password inputs never at all.
Every document of the registry is then printed from the case as the forms left it.

A new form, or a new field in one, is covered without touching this file; it fails here only
when its value is shown nowhere (decide: list it in NOT_SHOWN with the reason) or shown raw.
Bad bytes, very long text and hostile query strings go through the same inventory at the end.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.test.utils import ContextList
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader

from collectguard.cases.models import Case
from collectguard.evidence.documents import all_specs
from collectguard.evidence.forms import DocumentForm
from collectguard.evidence.services import document_generate
from tests.evidence.conftest import png_bytes
from tests.lib.test_pdf import decompressed_bytes, embedded_files, text_of
from tests.loopback import Listener
from tests.security.conftest import XSS_PAYLOADS
from tests.test_permission_matrix import EXPECTED, NO, World, build_world, fingerprint, url_for

# Who submits each kind of URL (the kinds of tests/test_permission_matrix.py).
SUBMITTER = {
    "owner": "owner",
    "read": "owner",
    "user": "owner",
    "public": "anonymous",
    "volunteer_case": "volunteer",
    "volunteer": "volunteer",
    "staff": "staff",
}

# Forms whose empty POST redirects (every field optional), so the POST binds no form to find:
# the URL that accepts each one.
REDIRECTING_TARGETS = {"InvitationForm": "review:invitation_create"}

# URLs that must refuse the payload (their text is checked: a login name, a code, an address
# that must exist). The refusal must show the typed value back, escaped.
REFUSED = {
    "accounts:login": "user name and password must match an account",
    "accounts:signup": "user names allow letters, digits and @.+-_ only",
    "accounts:invitation_login": "user name and password must match an account",
    "accounts:invitation_signup": "user names allow letters, digits and @.+-_ only",
    "accounts:password_reset": "an e-mail address is validated",
    "accounts:password_change": "the old password must be right",
    "accounts:delete": "the user name typed must be the account's",
    "accounts:two_factor_setup": "a six-digit code",
    "accounts:two_factor_reset": "the password must be right",
    "accounts:settings": "the password must be right",
    "review:open_code": "a share code is eight letters and digits",
    "review:share_create": "the volunteer's user name must exist",
}

# URLs that show what was typed and save nothing.
PREVIEWS = {"intake:paste_preview": "live analysis while typing"}

# Fields a valid submission fills with a valid value: they select something, they are not text.
SELECTORS = {
    ("CommentForm", "target"): "case",
    ("ChangeRequestForm", "target"): "case",
}

# (form, field) -> why the value the user typed is never shown as typed. Password inputs need
# no entry: they are found by their widget, and must never be shown back at all.
NOT_SHOWN = {
    ("PasteForm", "default_sender"): "only used when a line has no number; normalised",
    ("ManualEntryForm", "sender"): "shown as the number classify_sender finds in it",
    ("DocumentForm", "name"): "printed: test_every_document_prints_hostile_text_as_text",
    ("DocumentForm", "phone"): "printed: test_every_document_prints_hostile_text_as_text",
    ("DocumentForm", "address"): "printed: test_every_document_prints_hostile_text_as_text",
    ("DocumentForm", "extra_facts"): "printed: test_every_document_prints_hostile_text_as_text",
    (
        "DocumentForm",
        "exposure_location",
    ): "printed: test_every_document_prints_hostile_text_as_text",
}

# Per form: values a valid submission needs that the generic filler cannot guess.
FIELD_VALUES: dict[str, dict[str, Any]] = {
    "ProposalForm": {"kind": "instalments", "months": "3", "principal": "1200"},
    "AgreementForm": {"kind": "instalments", "months": "3", "principal": "1200"},
    "ContactForm": {"payment_amount": "", "callback_on": "", "payment_on": ""},
    "ManualEntryForm": {"kind": "message", "channel": "wechat", "duration_s": ""},
    "SituationForm": {"hardship_reason": "other"},
    "FilingForm": {"status": "filed"},
    "ChangeRequestForm": {"reasons": ["other"]},
    "PaymentForm": {"paid_amount": "100"},
    "ShareForm": {"recipient": "volunteer"},
}
# Buttons some views read besides the form.
EXTRA_POST = {"intake:paste": {"action": "save"}}
# Amounts that make a valid situation (income above spending).
NUMBERS = {"monthly_income": "5000", "essential_spending": "3000", "can_pay_monthly": "500"}


def _context_items(response: Any) -> Iterator[Any]:
    context = response.context
    if context is None:
        return
    contexts = list(context) if isinstance(context, ContextList) else [context]
    seen: set[int] = set()
    for item in contexts:
        values = item.flatten().values() if hasattr(item, "flatten") else item.values()
        for value in values:
            if id(value) not in seen:
                seen.add(id(value))
                yield value


def bound_forms(response: Any) -> list[forms.BaseForm | forms.BaseFormSet]:
    """The forms and formsets the view bound to the POST (not the page's other forms)."""
    found: list[Any] = []
    for value in _context_items(response):
        if (isinstance(value, forms.BaseFormSet) and value.is_bound) or (
            isinstance(value, forms.BaseForm)
            and value.is_bound
            and not isinstance(value, forms.formsets.ManagementForm)
        ):
            found.append(value)
    in_formsets = {id(f) for s in found if isinstance(s, forms.BaseFormSet) for f in s.forms}
    return [f for f in found if id(f) not in in_formsets]


def page_forms(response: Any) -> list[forms.BaseForm]:
    return [v for v in _context_items(response) if isinstance(v, forms.BaseForm)]


def is_text(form_field: forms.Field) -> bool:
    return isinstance(form_field, forms.CharField) and not isinstance(
        form_field, forms.FileField | forms.BooleanField
    )


@dataclass
class Target:
    url_name: str
    persona: str
    url: str
    forms: list[Any]  # the forms the URL binds (instances from the discovery POST)
    hidden: dict[str, Any] = field(default_factory=dict)  # hidden inputs of the page's form
    values: dict[tuple[str, str], str] = field(default_factory=dict)


def _local(days: int = 0, hours: int = 0) -> Any:
    return timezone.localtime(timezone.now() + timedelta(days=days, hours=hours))


def _fill_field(name: str, form_field: forms.Field, data: dict[str, Any], key: str) -> None:
    if isinstance(form_field, forms.FileField):
        if form_field.required:
            data[key] = SimpleUploadedFile(f"{name}.png", png_bytes(), content_type="image/png")
        return
    if isinstance(form_field, forms.BooleanField):
        return
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        first = form_field.queryset.first()
        data[key] = [first.pk] if first else []
    elif isinstance(form_field, forms.ModelChoiceField):
        first = form_field.queryset.first()
        data[key] = first.pk if first else ""
    elif isinstance(form_field, forms.MultipleChoiceField):
        data[key] = [next(v for v, _label in form_field.choices if v)]
    elif isinstance(form_field, forms.ChoiceField):
        initial = form_field.initial
        choices = [str(v) for v, _label in form_field.choices if v not in ("", None)]
        data[key] = str(initial) if initial and str(initial) in choices else choices[0]
    elif isinstance(form_field, forms.DateTimeField):
        data[key] = _local(hours=-3).strftime("%Y-%m-%dT%H:%M")
    elif isinstance(form_field, forms.DateField):
        future = name in {"first_due", "expires_on"}
        data[key] = _local(days=10 if future else 0).date().isoformat()
    elif isinstance(form_field, forms.IntegerField):
        data[key] = str(form_field.initial if form_field.initial is not None else 0)
    elif isinstance(form_field, forms.DecimalField):
        data[key] = NUMBERS.get(name, "0")


def fill(form: forms.BaseForm, text: dict[str, str]) -> dict[str, Any]:
    """Valid data for `form`, with `text[field]` in each text field."""
    data: dict[str, Any] = {}
    overrides = FIELD_VALUES.get(type(form).__name__, {})
    for name, form_field in form.fields.items():
        key = form.add_prefix(name)
        if name in text:
            data[key] = text[name]
        elif name in overrides:
            data[key] = overrides[name]
        else:
            _fill_field(name, form_field, data, key)
    return data


def is_secret(form_field: forms.Field) -> bool:
    return isinstance(form_field.widget, forms.PasswordInput)


def form_name(form: Any) -> str:
    return type(form).__name__


def text_fields(form: Any) -> list[tuple[str, forms.Field]]:
    """(name, field) of each text field; a formset's are its empty form's."""
    target = form.empty_form if isinstance(form, forms.BaseFormSet) else form
    return [(name, f) for name, f in target.fields.items() if is_text(f)]


def shown_form_name(form: Any) -> str:
    return form_name(form.empty_form if isinstance(form, forms.BaseFormSet) else form)


# --- Discovery -----------------------------------------------------------------------------


def discover(world: World) -> list[Target]:
    """Each POST URL with the forms it binds, found by posting nothing (rolled back)."""
    targets = []
    for name in sorted(EXPECTED):
        post = EXPECTED[name][1]
        if post.status == NO:
            continue
        persona = SUBMITTER[post.kind]
        url = url_for(name, world)
        found = []
        # Views written `Form(request.POST or None)` bind only a non-empty body; a form whose
        # fields are all optional is then valid, and the page refusing the empty body (400)
        # is where it is.
        refused_empty: list[Any] = []
        for body in ({}, {"_probe": "1"}):
            savepoint = transaction.savepoint()
            try:
                response = world.clients[persona].post(url, body)
            finally:
                transaction.savepoint_rollback(savepoint)
            found = bound_forms(response)
            if found:
                break
            on_page = page_forms(response)
            if not body and response.status_code == 400 and len(set(map(type, on_page))) == 1:
                refused_empty = on_page
        found = found or refused_empty
        if not found:
            continue
        targets.append(Target(name, persona, url, found, _hidden_inputs(world, name, found)))
    for form_class, name in REDIRECTING_TARGETS.items():
        persona = SUBMITTER[EXPECTED[name][1].kind]
        page = world.clients[persona].get(url_for(_page_with(name), world))
        instances = [f for f in page_forms(page) if form_name(f) == form_class]
        assert instances, f"{form_class} is not on the page that posts to {name}"
        targets.append(Target(name, persona, url_for(name, world), instances[:1]))
    return targets


def _hidden_inputs(world: World, name: str, found: list[Any]) -> dict[str, Any]:
    """What the page's own form puts in its hidden inputs (a version number, a target)."""
    if EXPECTED[name][0].status == NO:
        return {}
    page = world.clients[SUBMITTER[EXPECTED[name][0].kind]].get(url_for(name, world))
    wanted = {form_name(f) for f in found}
    hidden = {}
    for form in page_forms(page):
        if form_name(form) in wanted and not form.is_bound:
            for bound_field in form:
                if bound_field.is_hidden and bound_field.value() is not None:
                    hidden[bound_field.html_name] = bound_field.value()
    return hidden


def _page_with(url_name: str) -> str:
    return {"review:invitation_create": "review:organisation_detail"}[url_name]


def project_forms() -> set[str]:
    """Every form class the project defines or uses from django.contrib.auth."""
    import collectguard

    names = set()
    stack = list(forms.BaseForm.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        module = inspect.getmodule(cls)
        if module and module.__name__.startswith(collectguard.__name__ + "."):
            names.add(cls.__name__)
    return names


# Forms that no URL binds on POST, and why that is fine.
NOT_POSTED = {
    "TermsForm": "base class of ProposalForm and AgreementForm",
    "QueueFilterForm": "a GET filter: see test_query_payloads",
    "MessageFilterForm": "a GET filter: see test_query_payloads",
    "OTPCodeForm": "second login step; covered by tests/accounts/test_two_factor.py",
    "ShareUpdateForm": "a date and a tick box, no text",
    "AttachmentForm": "files only (tests/security/test_uploads.py)",
    "ApproveForm": "a hidden SHA-256 and a note: see test_an_approval_note_is_escaped",
}


# --- The world ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _storage_in_tmp() -> None:
    """The world is built once per module with storage of its own (see `world`)."""


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    media = tmp_path_factory.mktemp("security-media")
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


@pytest.fixture(scope="module")
def targets(world: World, django_db_blocker: Any) -> list[Target]:
    with django_db_blocker.unblock():
        return discover(world)


@pytest.fixture(scope="module")
def pages(world: World, django_db_blocker: Any) -> list[tuple[str, str]]:
    """(persona, url) of every HTML page of the matrix its kind of user can GET (PDFs and
    downloads are checked by the PDF and upload tests)."""
    found = []
    with django_db_blocker.unblock():
        for name in sorted(EXPECTED):
            get = EXPECTED[name][0]
            if get.status == NO or name in {"accounts:logout", "review:share_link"}:
                continue
            persona = SUBMITTER[get.kind]
            if persona == "anonymous" or name in NOT_HTML:
                continue
            found.append((persona, url_for(name, world)))
    return found


# Pages that are files, not HTML (skipped without being fetched: printing one takes seconds).
NOT_HTML = {
    "negotiation:letter_pdf",
    "evidence:document_pdf",
    "review:approved_pdf",
    "evidence:download",
    "evidence:preview",
    "negotiation:file",
}


def crawl(world: World, pages: list[tuple[str, str]]) -> dict[str, str]:
    return {f"{persona} {url}": _html(world.clients[persona].get(url)) for persona, url in pages}


def _html(response: Any) -> str:
    if hasattr(response, "streaming_content") or not response.get("Content-Type", "").startswith(
        "text/html"
    ):
        return ""
    return response.content.decode()


# --- The tests -----------------------------------------------------------------------------


def test_every_form_of_the_project_is_posted_somewhere(targets: list[Target]) -> None:
    posted = {shown_form_name(f) for target in targets for f in target.forms}
    assert "DocumentForm" in posted and "PaymentForm" in posted  # the discovery works
    missing = sorted(project_forms() - posted - set(NOT_POSTED))
    assert not missing, (
        f"forms no URL binds on POST: {missing}. Add the URL to REDIRECTING_TARGETS or say why "
        "in NOT_POSTED (tests/security/test_form_payloads.py)."
    )
    stale = sorted((set(NOT_POSTED) & posted) | (set(NOT_POSTED) - project_forms()))
    assert not stale, f"NOT_POSTED lists forms that are posted or gone: {stale}"


def test_the_inventory_found_the_forms_it_must(targets: list[Target]) -> None:
    """Guards the discovery itself: these must be there, with the fields they are known to have."""
    by_url = {t.url_name: {shown_form_name(f) for f in t.forms} for t in targets}
    assert by_url["cases:edit"] == {"CaseForm"}
    assert by_url["negotiation:situation"] == {"SituationForm", "OtherDebtForm"}
    assert by_url["negotiation:documents"] == {"DocumentUploadForm"}
    assert by_url["review:comment_create"] == {"CommentForm"}
    assert by_url["evidence:document_new_channel"] == {"DocumentForm"}
    assert {"title", "lender", "notes", "contract_numbers"} <= {
        name for t in targets if t.url_name == "cases:edit" for name, _f in text_fields(t.forms[0])
    }


@dataclass
class Submitted:
    problems: list[str]
    shown: dict[tuple[str, str], bool]
    values: dict[tuple[str, str], str]


@pytest.fixture(scope="module")
def submitted(
    world: World, targets: list[Target], pages: list[tuple[str, str]], django_db_blocker: Any
) -> Iterator[Submitted]:
    """Every form submitted once with hostile text, kept for the module's tests (the PDFs
    below print the case as these forms left it), then rolled back."""
    with django_db_blocker.unblock():
        savepoint = transaction.savepoint()
        try:
            yield Submitted(*_submit_and_check(world, targets, pages))
        finally:
            transaction.savepoint_rollback(savepoint)


def test_every_text_field_is_shown_escaped_never_raw(
    world: World, submitted: Submitted, db: None
) -> None:
    problems, shown_anywhere, values = submitted.problems, submitted.shown, submitted.values
    # The SQL-looking text was stored as text: the table is still there.
    assert Case.objects.filter(pk=world.case.pk).exists()
    for (form, name), value in values.items():
        if (form, name) in NOT_SHOWN or (form, name) in SELECTORS:
            continue
        if not shown_anywhere.get((form, name)):
            problems.append(
                f"{form}.{name}: {value!r} is shown nowhere (not on the pages, not in the form). "
                "If that is right, list it in NOT_SHOWN with the reason."
            )
    assert not problems, "\n".join(problems)


def _submit_and_check(
    world: World, targets: list[Target], pages: list[tuple[str, str]]
) -> tuple[list[str], dict[tuple[str, str], bool], dict[tuple[str, str], str]]:
    problems: list[str] = []
    values: dict[tuple[str, str], str] = {}
    by_value: dict[str, tuple[str, str]] = {}
    secrets: set[tuple[str, str]] = set()
    bodies: list[tuple[str, str]] = []
    counter = 0
    for target in targets:
        if not any(text_fields(f) for f in target.forms):
            continue
        data: dict[str, Any] = dict(EXTRA_POST.get(target.url_name, {}))
        for form in target.forms:
            if not text_fields(form):
                data.update(fill(form, {}))
                continue
            if isinstance(form, forms.BaseFormSet):
                data.update(_fill_formset(form, values, by_value, counter))
                counter += 10
                continue
            text = {}
            for name, form_field in text_fields(form):
                key = (form_name(form), name)
                if key in SELECTORS:
                    text[name] = SELECTORS[key]
                    continue
                counter += 1
                value = _value(counter, form_field)
                text[name] = value
                values[key] = value
                by_value[value] = key
                if is_secret(form_field):
                    secrets.add(key)
            data.update(fill(form, text))
        data.update(target.hidden)
        response = world.clients[target.persona].post(target.url, data)
        body = _html(response)
        refused = response.status_code not in (301, 302, 303)
        if target.url_name in PREVIEWS:
            if response.status_code != 200:
                problems.append(f"{target.url_name}: preview answered {response.status_code}")
        elif refused and target.url_name not in REFUSED:
            errors = [
                f"{form_name(f)}: {dict(f.errors)}"
                for f in bound_forms(response)
                if isinstance(f, forms.BaseForm)
            ]
            problems.append(
                f"{target.url_name}: {response.status_code}, expected the valid submission to be "
                f"saved; errors: {errors}"
            )
        if not refused and target.url_name in REFUSED:
            problems.append(f"{target.url_name}: accepted {data!r}")
        bodies.append((f"POST {target.url}", body))
        if not refused and response["Location"].startswith("/"):
            client = world.clients[target.persona]
            bodies.append((response["Location"], _html(client.get(response["Location"]))))
    bodies.extend(crawl(world, pages).items())
    shown: dict[tuple[str, str], bool] = {}
    for page, body in bodies:
        for value, key in by_value.items():
            if escape(value) in body:
                shown[key] = True
            raw = _dangerous_part(value)
            if raw and raw in body:
                problems.append(f"{page}: {key[0]}.{key[1]} is shown raw: {raw!r}")
            if key in secrets and (value in body or escape(value) in body):
                problems.append(f"{page}: secret {key[0]}.{key[1]} is shown back")
    for page, body in bodies:
        for bad in ('href="javascript:', "src=x onerror=alert(1)>", "<script>alert(1)"):
            if bad in body:
                problems.append(f"{page}: contains {bad!r}")
    for key in secrets:
        shown[key] = True  # must not be shown: checked above
    return problems, shown, values


def _fill_formset(
    formset: forms.BaseFormSet,
    values: dict[tuple[str, str], str],
    by_value: dict[str, tuple[str, str]],
    counter: int,
) -> dict[str, Any]:
    prefix = formset.prefix
    row = formset.form(prefix=f"{prefix}-0", **formset.get_form_kwargs(0))
    text = {}
    for name, form_field in text_fields(formset):
        counter += 1
        value = _value(counter, form_field)
        text[name] = value
        values[(form_name(row), name)] = value
        by_value[value] = (form_name(row), name)
    data = fill(row, text)
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    )
    for name in ("amount", "monthly_due"):
        if name in row.fields:
            data[row.add_prefix(name)] = "100"
    return data


def _value(counter: int, form_field: forms.Field) -> str:
    """Every payload, with a marker naming the field after the first (which must start the
    value: a javascript: URL), cut to the field's length: fields of 120 characters or more get
    all five, the shortest (30) the first two."""
    first, *rest = XSS_PAYLOADS
    value = " ".join([first, f"q{counter:02d}", *rest])
    limit = getattr(form_field, "max_length", None)
    return value[:limit] if limit else value


def _dangerous_part(value: str) -> str:
    """What must never reach a page unescaped: the value, if escaping changes it."""
    return value if escape(value) != value else ""


def test_auth_forms_are_in_the_inventory(targets: list[Target]) -> None:
    posted = {shown_form_name(f) for t in targets for f in t.forms}
    used = {auth_forms.AuthenticationForm.__name__, auth_forms.PasswordChangeForm.__name__}
    assert used <= posted


# --- Documents --------------------------------------------------------------------------------


def test_every_document_prints_hostile_text_as_text(
    world: World, submitted: Submitted, listener: Listener, db: None
) -> None:
    """Every document of the registry, printed from the case as the hostile forms left it, with
    hostile text in each of its own inputs and loopback traps: the text is printed literally,
    the HTML holds it escaped, nothing is fetched or embedded."""
    traps = (
        f'<img src="{listener.url}/img"> <link rel="attachment" href="{listener.url}/att"> '
        f'<p style="background:url({listener.url}/bg)">x</p>'
    )
    case = Case.objects.get(pk=world.case.pk)
    case.notes = f"{case.notes} {traps}"
    case.save(update_fields=["notes"])
    script = "<script>alert(1)</script>"
    inputs = {
        name: f"{script} {traps}"[: getattr(form_field, "max_length", None) or None]
        for name, form_field in DocumentForm.FIELDS.items()
    }
    hostile = [v for v in submitted.values.values() if escape(v) != v]
    problems = []
    for spec in all_specs():
        document = document_generate(
            case=case,
            actor=case.owner,
            kind=spec.kind,
            channel=spec.channel,
            inputs={name: inputs[name] for name in spec.inputs},
        )
        label = f"{spec.kind}/{spec.channel}"
        with default_storage.open(document.pdf_key, "rb") as handle:
            data = handle.read()
        text = _compact(text_of(data))
        if spec.inputs and _compact(script) not in text:
            problems.append(f"{label}: the typed {script!r} is not printed as text")
        if not any(_compact(value) in text for value in hostile):
            problems.append(f"{label}: prints none of the case's hostile text")
        for raw in ("<script>", "<img src=", "<link rel=", 'style="background'):
            if raw in document.html.split("</head>", 1)[-1]:
                problems.append(f"{label}: raw {raw!r} in the HTML")
        if embedded_files(data):
            problems.append(f"{label}: embeds {embedded_files(data)}")
        if b"CANARY" in decompressed_bytes(data):
            problems.append(f"{label}: the listener's body is in the PDF")
        metadata = " ".join(str(v) for v in (PdfReader(io.BytesIO(data)).metadata or {}).values())
        for leak in (str(settings.BASE_DIR), "/tmp", "127.0.0.1", "localhost", "file:"):
            if leak in metadata:
                problems.append(f"{label}: metadata names {leak!r}: {metadata!r}")
    assert not problems, "\n".join(problems)
    assert listener.hits == []


def _compact(text: str) -> str:
    """Text without whitespace: lines wrap anywhere in a PDF."""
    return "".join(text.split())


# --- Bytes that are not text, and very long text ---------------------------------------------

# Percent-encoded: invalid UTF-8, a lone surrogate encoded as UTF-8 would encode it (CESU), a
# NUL (PostgreSQL refuses it in text), a direction override and stacked combining marks.
BAD_BYTES = "%FF%FE%C0%AF" + "%ED%A0%80" + "%00" + "%E2%80%AE" + "a%CC%81%CC%81%CC%81"


def _encoded(data: dict[str, Any], raw: dict[str, str]) -> str:
    """A urlencoded body from valid `data`, with `raw` (already percent-encoded) values."""
    plain = {key: value for key, value in data.items() if key not in raw}
    plain = {k: v for k, v in plain.items() if not hasattr(v, "read")}  # files cannot go here
    parts = [urlencode(plain, doseq=True)] if plain else []
    parts += [f"{quote(key)}={value}" for key, value in raw.items()]
    return "&".join(parts)


def _hostile_post(world: World, target: Target, raw_for: Any) -> tuple[int, bool]:
    data: dict[str, Any] = dict(EXTRA_POST.get(target.url_name, {}))
    raw: dict[str, str] = {}
    for form in target.forms:
        row = form.empty_form if isinstance(form, forms.BaseFormSet) else form
        if isinstance(form, forms.BaseFormSet):
            row = form.form(prefix=f"{form.prefix}-0", **form.get_form_kwargs(0))
            data.update({f"{form.prefix}-TOTAL_FORMS": "1", f"{form.prefix}-INITIAL_FORMS": "0"})
        data.update(fill(row, {}))
        for name, form_field in text_fields(row):
            if (form_name(row), name) not in SELECTORS:
                raw[row.add_prefix(name)] = raw_for(form_field)
    data.update(target.hidden)
    before = fingerprint(world.case.pk)
    response = world.clients[target.persona].generic(
        "POST",
        target.url,
        _encoded(data, raw),
        content_type="application/x-www-form-urlencoded",
    )
    saved = response.status_code in (301, 302, 303)
    unchanged = fingerprint(world.case.pk) == before
    return response.status_code, saved or unchanged


def _long(form_field: forms.Field) -> str:
    # A megabyte where the field has no limit of its own, else 10,000 characters.
    limit = getattr(form_field, "max_length", None)
    return quote("长" * (1_000_000 // 3 if limit is None else 10_000))


@pytest.mark.parametrize(
    "raw_for",
    [lambda _f: BAD_BYTES, _long],
    ids=["invalid-utf8-surrogates-nul", "very-long"],
)
def test_bad_bytes_and_huge_text_get_an_answer_never_a_500_and_no_half_save(
    world: World, targets: list[Target], db: None, raw_for: Any
) -> None:
    problems = []
    for target in targets:
        if not any(text_fields(f) for f in target.forms):
            continue
        savepoint = transaction.savepoint()
        try:
            status, consistent = _hostile_post(world, target, raw_for)
        finally:
            transaction.savepoint_rollback(savepoint)
        if status >= 500:
            problems.append(f"{target.url_name}: {status}")
        elif not consistent:
            problems.append(f"{target.url_name}: refused ({status}) but changed data")
    assert not problems, "\n".join(problems)


QUERY = (
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E&sender=%FF%FE&category=%ED%A0%80"
    "&night=%00&flagged=on&status=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E"
    "&sort=javascript%3Aalert(1)&awaiting=1&page=99999999999999999999999&next=javascript:alert(1)"
    "&proposal=%FF&kind=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
)


def test_query_payloads_on_every_page_are_answered_and_escaped(
    world: World, pages: list[tuple[str, str]], db: None
) -> None:
    """Every page with hostile and undecodable query parameters (the filter forms' fields,
    paging, next): a page or a 4xx, never a 500, and nothing of it shown raw."""
    problems = []
    for persona, url in pages:
        response = world.clients[persona].get(f"{url}?{QUERY}")
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        body = _html(response)
        for raw in ("<script>alert(1)", "<img src=x onerror", 'href="javascript:'):
            if raw in body:
                problems.append(f"{url}: shows {raw!r} raw")
    assert not problems, "\n".join(problems)
