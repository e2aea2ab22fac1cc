"""State changes of the review app. Services never see a request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collectguard.accounts.models import User
from collectguard.cases.models import Case
from collectguard.review.models import (
    SHARE_CODE_ALPHABET,
    SHARE_CODE_LENGTH,
    Comment,
    CommentKind,
    Invitation,
    InvitationState,
    LetterApproval,
    Membership,
    Organisation,
    Share,
    TargetKind,
)
from collectguard.review.targets import Target, letter_pdf

INVITATION_DAYS = 7


class InvitationError(Exception):
    """The invitation cannot be used (already used, revoked or expired)."""


class ApprovalError(Exception):
    """The letter changed, or its PDF is not what the volunteer looked at."""


def end_of_day(day: date) -> datetime:
    """The first moment after `day` in the site's time zone (Asia/Shanghai), as aware UTC."""
    return timezone.make_aware(
        datetime.combine(day + timedelta(days=1), time.min), timezone.get_default_timezone()
    )


# Organisations and volunteers ------------------------------------------------------------


def organisation_create(*, name: str, region: str = "", description: str = "") -> Organisation:
    organisation = Organisation(name=name.strip(), region=region.strip(), description=description)
    organisation.full_clean()
    organisation.save()
    return organisation


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_create(
    *, organisation: Organisation, created_by: User, invitee_label: str = ""
) -> tuple[Invitation, str]:
    """Create a single-use invitation; returns it with the token, which is not stored."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        organisation=organisation,
        invitee_label=invitee_label.strip(),
        token_hash=hash_token(token),
        created_by=created_by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    return invitation, token


def invitation_find(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.filter(token_hash=hash_token(token))
        .select_related("organisation")
        .first()
    )


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Make the user a volunteer of the invitation's organisation; the link is then spent.

    The invitation row is locked, so two people opening the same link at once cannot both
    join.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        state = locked.state()
        if state != InvitationState.PENDING or not locked.organisation.is_active:
            raise InvitationError(str(state.label))
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        membership, _created = Membership.objects.get_or_create(
            organisation=locked.organisation, user=user
        )
        if not membership.is_active:
            membership.is_active = True
            membership.ended_at = None
            membership.save(update_fields=["is_active", "ended_at"])
        if not user.is_volunteer:
            user.is_volunteer = True
            user.save(update_fields=["is_volunteer"])
    return membership


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.state() == InvitationState.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def membership_deactivate(*, membership: Membership) -> Membership:
    """End a volunteer's membership: cases shared with the organisation close to them at once."""
    membership.is_active = False
    membership.ended_at = timezone.now()
    membership.save(update_fields=["is_active", "ended_at"])
    return membership


# Sharing --------------------------------------------------------------------------------


def new_share_code() -> str:
    return "".join(secrets.choice(SHARE_CODE_ALPHABET) for _ in range(SHARE_CODE_LENGTH))


def share_create(
    *,
    case: Case,
    organisation: Organisation | None = None,
    volunteer: User | None = None,
    expires_on: date | None = None,
    reveal_third_parties: bool = False,
) -> Share:
    """Open the case to one organisation or one named volunteer, until `expires_on` (inclusive)."""
    if (organisation is None) == (volunteer is None):
        raise ValidationError(_("请选择一个机构或一位志愿者。"))
    if volunteer is not None and (not volunteer.is_volunteer or volunteer.pk == case.owner_id):
        raise ValidationError(_("没有找到这位志愿者。"))
    share = Share(
        case=case,
        organisation=organisation,
        volunteer=volunteer,
        expires_at=end_of_day(expires_on) if expires_on else None,
        reveal_third_parties=reveal_third_parties,
    )
    for _attempt in range(5):
        share.code = new_share_code()
        share.full_clean(exclude=["code"])
        try:
            with transaction.atomic():
                share.save()
        except IntegrityError:
            share.pk = None
            continue
        return share
    raise RuntimeError("could not find a free share code")


def share_update(*, share: Share, expires_on: date | None, reveal_third_parties: bool) -> Share:
    share.expires_at = end_of_day(expires_on) if expires_on else None
    share.reveal_third_parties = reveal_third_parties
    share.full_clean()
    share.save(update_fields=["expires_at", "reveal_third_parties"])
    return share


def share_revoke(*, share: Share) -> Share:
    """Take the access back; the volunteer's next request, on any page, is refused."""
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share


# Feedback -------------------------------------------------------------------------------


def comment_create(
    *,
    case: Case,
    author: User,
    target: Target,
    body: str,
    organisation: Organisation | None = None,
    kind: str = CommentKind.COMMENT,
    reasons: list[str] | None = None,
) -> Comment:
    """A comment (or, with kind=changes and reasons, a change request) on the case or a target."""
    comment = Comment(
        case=case,
        author=author,
        organisation=organisation,
        kind=kind,
        target_kind=target.kind,
        target_id=target.id,
        target_label=target.label,
        reasons=list(reasons or []),
        body=body.strip(),
    )
    if kind == CommentKind.CHANGES and not comment.reasons:
        raise ValidationError(_("请至少选择一个需要修改的原因。"))
    if kind == CommentKind.COMMENT and not comment.body:
        raise ValidationError(_("请填写意见内容。"))
    comment.full_clean()
    comment.save()
    return comment


def comment_resolve(*, comment: Comment, resolved: bool = True) -> Comment:
    comment.resolved_at = timezone.now() if resolved else None
    comment.save(update_fields=["resolved_at"])
    return comment


def letter_approve(
    *,
    case: Case,
    letter: Target,
    approved_by: User,
    seen_sha256: str,
    organisation: Organisation | None = None,
    note: str = "",
) -> LetterApproval:
    """Approve exactly the generated version the volunteer looked at.

    `seen_sha256` is the PDF hash shown to the volunteer; if the stored version is not that
    one (or has no PDF), nothing is approved.
    """
    if letter.kind != TargetKind.LETTER or letter.obj is None:
        raise ApprovalError(_("只能批准生成的文书。"))
    _pdf, sha256 = letter_pdf(letter.obj)
    if not sha256 or sha256 != seen_sha256:
        raise ApprovalError(_("这份文书已经更新，请重新查看最新版本后再批准。"))
    with transaction.atomic():
        approval, _created = LetterApproval.objects.get_or_create(
            case=case,
            document_id=letter.obj.pk,
            approved_by=approved_by,
            defaults={
                "document_label": letter.label,
                "pdf_sha256": sha256,
                "organisation": organisation,
                "note": note.strip(),
            },
        )
    return approval
