"""Repayment schedules for a negotiation proposal (协商还款方案的还款计划).

Pure Python (no Django), so the arithmetic can be tested on its own and reused by forms, views,
the written request and the agreement tracker.

Conventions, chosen so that a borrower can check every number with a calculator:

* Money is ``Decimal`` yuan with at most two decimal places (fen). Floats are never used.
* Rounding to the fen is half-up (四舍五入).
* When an amount does not split evenly over the months, the leftover fen go on the **first**
  instalment (尾差计入首期, as card issuers do for 分期), so every later instalment is the same.
  ``100.00`` over 3 months is ``33.34, 33.33, 33.33``.
* With interest, ``equal_total`` (等额本息) uses the standard level payment rounded to the fen;
  the **last** instalment pays off whatever principal is left, so the principal parts add up
  exactly to the amount financed. ``equal_principal`` (等额本金) splits the principal as above and
  charges each month's interest on the balance still owed.
* Interest during a deferral is simple interest on the amount financed for the deferral months,
  spread over the instalments like the fees (leftover fen first). It is reported separately as
  ``Schedule.deferral_interest`` so the borrower can see what the pause costs.
* The ``total`` is always ``principal − waived_amount + fees + total_interest`` and the
  instalments add up to it exactly; there is no rounding drift.
* Due dates are counted from the anchor day of ``first_due`` (shifted by ``deferral_months``),
  never from the previous due date: 31 Jan → 29 Feb (2028) → 31 Mar.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Final, Literal

__all__ = [
    "KINDS",
    "MAX_AMOUNT",
    "MAX_ANNUAL_RATE",
    "MAX_DAYS_AHEAD",
    "MAX_DEFERRAL_MONTHS",
    "MAX_MONTHS",
    "METHODS",
    "Affordability",
    "ComparisonRow",
    "Instalment",
    "InvalidTerms",
    "Kind",
    "Method",
    "ProposalTerms",
    "Schedule",
    "TermsError",
    "add_months",
    "affordability",
    "build_schedule",
    "compare",
    "due_dates",
    "level_payment",
    "split_evenly",
    "suggest_months",
    "validate_terms",
]

Kind = Literal["instalments", "deferral", "waiver", "combination"]
Method = Literal["equal_total", "equal_principal"]

KINDS: Final[tuple[Kind, ...]] = ("instalments", "deferral", "waiver", "combination")
METHODS: Final[tuple[Method, ...]] = ("equal_total", "equal_principal")

#: 信用卡办法第70条 allows personalised instalments of at most 5 years; nothing longer makes sense.
MAX_MONTHS: Final = 60
MAX_DEFERRAL_MONTHS: Final = 24
#: A sanity limit, not a legal cap: anything above is almost surely a typo (see ``_rate_errors``).
MAX_ANNUAL_RATE: Final = Decimal("36")
#: 1亿元. Far above any personal consumer debt; catches a finger left on the 0 key.
MAX_AMOUNT: Final = Decimal("100000000.00")
#: A first payment more than a year away is almost surely a wrong year; deferrals have their field.
MAX_DAYS_AHEAD: Final = 366

CENT: Final = Decimal("0.01")
ZERO: Final = Decimal("0.00")
_RATE_PLACES: Final = Decimal("0.0001")
# China has had no daylight saving time since 1991, so a fixed offset is exact and needs no tzdata.
_CHINA_TZ: Final = timezone(timedelta(hours=8))
# Interest does not depend on the calendar, so suggest_months needs only some valid date.
_ANY_DATE: Final = date(2000, 1, 1)


# --- Data ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ProposalTerms:
    """What the borrower proposes to the lender.

    ``principal`` is the amount owed that the plan repays; ``waived_amount`` (penalty interest or
    fees the borrower asks the lender to drop) is subtracted from it for a waiver or combination.
    ``annual_rate`` is a percentage (``Decimal("3.6")`` means 3.6% a year); ``fees`` is the total
    of any fees added to the plan. The first instalment falls ``deferral_months`` after
    ``first_due``. Check the terms with ``validate_terms`` before building a schedule.
    """

    kind: Kind
    principal: Decimal
    months: int
    first_due: date
    annual_rate: Decimal = Decimal(0)
    fees: Decimal = Decimal(0)
    deferral_months: int = 0
    waived_amount: Decimal = Decimal(0)
    method: Method = "equal_total"


@dataclass(frozen=True)
class TermsError:
    """One problem with the terms, in both languages, attached to a ``ProposalTerms`` field.

    ``provision`` is the id of a row in the legal reference data (e.g. ``"CC-BANK-70"``) that
    explains the limit, for the page to show with its source and confidence.
    """

    field: str
    message_zh: str
    message_en: str
    provision: str | None = None


class InvalidTerms(ValueError):
    """Raised by ``build_schedule`` and ``compare`` for terms that ``validate_terms`` rejects."""

    def __init__(self, errors: Sequence[TermsError]) -> None:
        self.errors: tuple[TermsError, ...] = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message_en}" for e in self.errors))


@dataclass(frozen=True)
class Instalment:
    """One monthly payment; ``amount == principal_part + interest_part + fee_part``."""

    number: int
    due_date: date
    amount: Decimal
    principal_part: Decimal
    interest_part: Decimal
    fee_part: Decimal


@dataclass(frozen=True)
class Schedule:
    """The instalments of a proposal and their totals (all exact to the fen)."""

    terms: ProposalTerms
    instalments: tuple[Instalment, ...]
    #: ``principal − waived_amount``: what the principal parts add up to.
    net_principal: Decimal
    waived: Decimal
    fees: Decimal
    #: Part of ``total_interest`` charged for the deferral months.
    deferral_interest: Decimal
    total_interest: Decimal
    total: Decimal
    monthly_max: Decimal
    monthly_min: Decimal

    @property
    def first_due(self) -> date:
        """Due date of the first instalment (after any deferral)."""
        return self.instalments[0].due_date

    @property
    def last_due(self) -> date:
        """Due date of the last instalment."""
        return self.instalments[-1].due_date


@dataclass(frozen=True)
class Affordability:
    """Whether every instalment fits what the borrower said they can pay each month.

    ``shortfall`` is how much the largest instalment exceeds that (``0.00`` when it fits);
    ``worst_month`` is the number of that instalment (the first one if several tie), or ``None``
    when the plan fits; ``months_over`` counts the instalments that do not fit.
    """

    ok: bool
    shortfall: Decimal
    worst_month: int | None
    months_over: int


@dataclass(frozen=True)
class ComparisonRow:
    """One option in a side-by-side comparison; ``option`` counts from 1 in the given order.

    ``saves_vs_first`` is the first option's total minus this one's: positive when this option
    costs less in total, negative when it costs more. ``affordable`` is ``None`` when no monthly
    budget was given.
    """

    option: int
    kind: Kind
    months: int
    deferral_months: int
    first_due: date
    last_due: date
    monthly_min: Decimal
    monthly_max: Decimal
    total: Decimal
    total_interest: Decimal
    saves_vs_first: Decimal
    affordable: bool | None


# --- Small pure helpers -------------------------------------------------------------------------


def add_months(start: date, months: int) -> date:
    """Return the date ``months`` calendar months after ``start``, on the same day of the month.

    When that month is shorter, the date is clamped to its last day. Always count from the
    original date (``add_months(first, k)``), not from the previous result, or 31 Jan → 28 Feb
    would continue as 28 Mar. Raises ``ValueError`` outside the years 1–9999.

    >>> add_months(date(2028, 1, 31), 1)
    datetime.date(2028, 2, 29)
    >>> add_months(date(2027, 1, 31), 1)
    datetime.date(2027, 2, 28)
    >>> add_months(date(2028, 1, 31), 2)
    datetime.date(2028, 3, 31)
    >>> add_months(date(2026, 11, 30), 3)
    datetime.date(2027, 2, 28)
    >>> add_months(date(2026, 3, 31), -1)
    datetime.date(2026, 2, 28)
    """
    year, month_index = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month_index + 1
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_dates(first_due: date, count: int, *, deferral_months: int = 0) -> list[date]:
    """Return ``count`` monthly due dates, the first ``deferral_months`` after ``first_due``.

    >>> due_dates(date(2028, 1, 31), 3)
    [datetime.date(2028, 1, 31), datetime.date(2028, 2, 29), datetime.date(2028, 3, 31)]
    >>> due_dates(date(2026, 12, 15), 2, deferral_months=2)
    [datetime.date(2027, 2, 15), datetime.date(2027, 3, 15)]
    """
    return [add_months(first_due, deferral_months + k) for k in range(count)]


def split_evenly(amount: Decimal, parts: int) -> list[Decimal]:
    """Split a non-negative amount in fen into ``parts`` amounts, leftover fen on the first.

    The parts always add up to ``amount`` exactly.

    >>> split_evenly(Decimal("100.00"), 3)
    [Decimal('33.34'), Decimal('33.33'), Decimal('33.33')]
    >>> split_evenly(Decimal("0.05"), 4)
    [Decimal('0.02'), Decimal('0.01'), Decimal('0.01'), Decimal('0.01')]
    >>> split_evenly(Decimal("0"), 2)
    [Decimal('0.00'), Decimal('0.00')]
    """
    if parts < 1:
        raise ValueError("parts must be at least 1")
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(CENT):
        raise ValueError("amount must be a non-negative amount in fen")
    base, leftover = divmod(int(amount.scaleb(2)), parts)
    fen = [base + leftover] + [base] * (parts - 1)
    return [Decimal(f).scaleb(-2) for f in fen]


def level_payment(principal: Decimal, monthly_rate: Decimal, months: int) -> Decimal:
    """Return the 等额本息 monthly payment, rounded half-up to the fen.

    ``monthly_rate`` is a fraction (``0.005`` for 6% a year). With a zero rate the payment is
    simply ``principal / months`` rounded.

    >>> level_payment(Decimal("10000.00"), Decimal("0.005"), 12)
    Decimal('860.66')
    >>> level_payment(Decimal("1200.00"), Decimal("0"), 12)
    Decimal('100.00')
    """
    if months < 1:
        raise ValueError("months must be at least 1")
    with localcontext() as ctx:
        ctx.prec = 50
        if monthly_rate == 0:
            exact = principal / months
        else:
            growth = (1 + monthly_rate) ** months
            exact = principal * monthly_rate * growth / (growth - 1)
        return _fen(exact)


def _fen(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _monthly_rate(annual_rate: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 50
        return annual_rate / 1200


def _money(value: Decimal) -> Decimal:
    # Normalises -0 and "5" to 0.00 and 5.00; validation has already refused more decimals.
    return (value + ZERO).quantize(CENT)


# --- Validation ---------------------------------------------------------------------------------


def _error(field: str, zh: str, en: str, provision: str | None = None) -> TermsError:
    return TermsError(field=field, message_zh=zh, message_en=en, provision=provision)


_MONEY_LABELS: Final = {
    "principal": ("欠款金额", "The amount owed"),
    "fees": ("费用", "The fees"),
    "waived_amount": ("申请减免的金额", "The amount to waive"),
}


def _money_errors(field: str, value: object, *, may_be_zero: bool) -> list[TermsError]:
    zh, en = _MONEY_LABELS[field]
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return [_error(field, f"{zh}必须是数字。", f"{en} must be a number.")]
    amount = Decimal(value)
    if not amount.is_finite():
        return [_error(field, f"{zh}必须是一个具体的数字。", f"{en} must be an actual number.")]
    if amount < 0:
        return [_error(field, f"{zh}不能是负数。", f"{en} cannot be negative.")]
    if amount == 0 and not may_be_zero:
        return [_error(field, f"{zh}必须大于 0。", f"{en} must be more than 0.")]
    if amount > MAX_AMOUNT:
        return [
            _error(
                field,
                f"{zh}超过 1 亿元，请检查是否多输了数字。",
                f"{en} is over ¥100,000,000; please check for an extra digit.",
            )
        ]
    if amount != amount.quantize(CENT):
        return [
            _error(
                field,
                f"{zh}最多两位小数（精确到分）。",
                f"{en} can have at most two decimal places (fen).",
            )
        ]
    return []


def _int_errors(field: str, value: object, zh: str, en: str) -> list[TermsError]:
    if isinstance(value, bool) or not isinstance(value, int):
        return [_error(field, f"{zh}必须是整数。", f"{en} must be a whole number.")]
    return []


def _months_errors(months: object) -> list[TermsError]:
    if isinstance(months, bool) or not isinstance(months, int):
        return _int_errors("months", months, "期数", "The number of months")
    if months < 1:
        return [
            _error("months", "期数至少为 1 个月。", "The plan needs at least 1 monthly payment.")
        ]
    if months > MAX_MONTHS:
        return [
            _error(
                "months",
                f"期数不能超过 {MAX_MONTHS} 个月（5 年）。信用卡个性化分期最长 5 年"
                "（《商业银行信用卡业务监督管理办法》第70条），而且银行是“可以”同意，不是必须同意。",
                f"The plan can have at most {MAX_MONTHS} monthly payments (5 years). Even "
                "personalised credit-card instalments are capped at 5 years (Credit Card Measures "
                "art. 70), and the bank may agree to them; it does not have to.",
                provision="CC-BANK-70",
            )
        ]
    return []


def _deferral_errors(terms: ProposalTerms) -> list[TermsError]:
    value = terms.deferral_months
    if isinstance(value, bool) or not isinstance(value, int):
        return _int_errors("deferral_months", value, "推迟月数", "The months of deferral")
    if value < 0:
        return [
            _error(
                "deferral_months",
                "推迟月数不能是负数。",
                "The months of deferral cannot be negative.",
            )
        ]
    if value > MAX_DEFERRAL_MONTHS:
        return [
            _error(
                "deferral_months",
                f"推迟不能超过 {MAX_DEFERRAL_MONTHS} 个月。",
                f"A deferral can be at most {MAX_DEFERRAL_MONTHS} months.",
            )
        ]
    if value > 0 and terms.kind not in ("deferral", "combination"):
        return [
            _error(
                "deferral_months",
                "只有“推迟还款”或“组合方案”才能设置推迟月数。",
                "Only a deferral or a combination can have months of deferral.",
            )
        ]
    if value == 0 and terms.kind == "deferral":
        return [
            _error(
                "deferral_months",
                "推迟还款至少要推迟 1 个月。",
                "A deferral needs at least 1 month of deferral.",
            )
        ]
    return []


def _rate_errors(rate: object) -> list[TermsError]:
    if isinstance(rate, bool) or not isinstance(rate, Decimal | int):
        return [_error("annual_rate", "年利率必须是数字。", "The annual rate must be a number.")]
    rate = Decimal(rate)
    if not rate.is_finite():
        return [
            _error(
                "annual_rate",
                "年利率必须是一个具体的数字。",
                "The annual rate must be an actual number.",
            )
        ]
    if rate < 0:
        return [_error("annual_rate", "年利率不能是负数。", "The annual rate cannot be negative.")]
    if rate > MAX_ANNUAL_RATE:
        # 36% is the old (2015) outer line for private lending; since 2020 courts protect
        # private-lending interest only up to 4x the one-year LPR (reference §1A SPC-MJ-25).
        return [
            _error(
                "annual_rate",
                f"年利率超过 {MAX_ANNUAL_RATE}% 不合常理：远高于法院对民间借贷利息的保护上限"
                "（合同成立时一年期贷款市场报价利率 LPR 的四倍）。请检查是否输错（例如把月利率"
                "当成了年利率）。如果借款的真实利率这么高，这笔借款本身可能有问题，值得咨询律师。",
                f"An annual rate above {MAX_ANNUAL_RATE}% is not plausible: it is far above the "
                "most that courts protect for private lending (4 times the one-year Loan Prime "
                "Rate at the contract date). Please check for a typo (a monthly rate entered as "
                "yearly, say). If the loan really charges this much, the loan itself may be "
                "unlawful and worth asking a lawyer about.",
                provision="SPC-MJ-25",
            )
        ]
    if rate != rate.quantize(_RATE_PLACES):
        return [
            _error(
                "annual_rate",
                "年利率最多四位小数。",
                "The annual rate can have at most four decimal places.",
            )
        ]
    return []


def _kind_errors(terms: ProposalTerms) -> list[TermsError]:
    errors = []
    if terms.kind not in KINDS:
        errors.append(_error("kind", "请选择方案类型。", "Choose a kind of proposal."))
    if terms.method not in METHODS:
        errors.append(
            _error(
                "method",
                "请选择还款方式：等额本息或等额本金。",
                "Choose equal payments (等额本息) or equal principal (等额本金).",
            )
        )
    return errors


def _waiver_errors(terms: ProposalTerms) -> list[TermsError]:
    waived = terms.waived_amount
    if waived > 0 and terms.kind not in ("waiver", "combination"):
        return [
            _error(
                "waived_amount",
                "只有“减免”或“组合方案”才能申请减免金额。",
                "Only a waiver or a combination can ask for an amount to be waived.",
            )
        ]
    if waived == 0 and terms.kind == "waiver":
        return [
            _error(
                "waived_amount",
                "请填写希望减免的罚息或费用金额。",
                "Enter the penalty interest or fees you are asking to have waived.",
            )
        ]
    if not _money_errors("principal", terms.principal, may_be_zero=False) and (
        waived >= terms.principal
    ):
        return [
            _error(
                "waived_amount",
                "减免金额必须小于欠款金额：还款计划里总要有要还的钱。",
                "The amount to waive must be less than the amount owed, so that something is "
                "left to repay.",
            )
        ]
    return []


def _combination_errors(terms: ProposalTerms) -> list[TermsError]:
    if terms.kind == "combination" and terms.deferral_months == 0 and terms.waived_amount == 0:
        return [
            _error(
                "kind",
                "组合方案需要推迟月数或减免金额至少一项；都不需要的话，请选“分期还款”。",
                "A combination needs a deferral or a waiver (or both); otherwise choose "
                "instalments.",
            )
        ]
    return []


def _first_due_errors(terms: ProposalTerms, *, counts_ok: bool) -> list[TermsError]:
    first_due = terms.first_due
    if isinstance(first_due, datetime) or not isinstance(first_due, date):
        return [_error("first_due", "请填写日期。", "Enter a date.")]
    if counts_ok:
        try:
            add_months(first_due, terms.deferral_months + terms.months - 1)
        except ValueError:
            return [
                _error(
                    "first_due",
                    "日期太远了，请检查年份。",
                    "That date is too far in the future; please check the year.",
                )
            ]
    return []


def _field_errors(terms: ProposalTerms) -> list[TermsError]:
    """Every problem that does not depend on today's date."""
    months_errors = _months_errors(terms.months)
    deferral_errors = _deferral_errors(terms)
    waived_errors = _money_errors("waived_amount", terms.waived_amount, may_be_zero=True)
    if not waived_errors:
        waived_errors = _waiver_errors(terms)
    errors = [
        *_kind_errors(terms),
        *_money_errors("principal", terms.principal, may_be_zero=False),
        *months_errors,
        *_rate_errors(terms.annual_rate),
        *_money_errors("fees", terms.fees, may_be_zero=True),
        *waived_errors,
        *deferral_errors,
        *_first_due_errors(terms, counts_ok=not (months_errors or deferral_errors)),
    ]
    if not errors:
        # Reads two fields, so it only makes sense once both are sound.
        errors = _combination_errors(terms)
    return errors


def _today_errors(first_due: date, today: date) -> list[TermsError]:
    if first_due < today:
        return [
            _error(
                "first_due",
                f"首次还款日期已经过去了（今天是 {today.year}年{today.month}月{today.day}日）。"
                "请选今天或以后的日期。",
                f"The first due date is in the past (today is {today.isoformat()}). "
                "Choose today or a later date.",
            )
        ]
    if first_due > today + timedelta(days=MAX_DAYS_AHEAD):
        return [
            _error(
                "first_due",
                "首次还款日期在一年以后，请检查年份。想晚些开始还款，请用“推迟月数”。",
                "The first due date is more than a year away; please check the year. To start "
                "later, use the months of deferral.",
            )
        ]
    return []


def validate_terms(
    terms: ProposalTerms, *, today: date | None = None, check_dates: bool = True
) -> list[TermsError]:
    """Return every problem with ``terms`` (an empty list when a schedule can be built).

    ``today`` defaults to the current date in China (UTC+8); pass ``timezone.localdate()`` from
    Django code and a fixed date in tests. With ``check_dates=False`` the first due date may be
    in the past or far ahead, e.g. for recording an agreement that was made earlier.
    """
    errors = _field_errors(terms)
    if errors:
        return errors
    if check_dates:
        if today is None:
            today = datetime.now(_CHINA_TZ).date()
        errors = _today_errors(terms.first_due, today)
    try:
        _compute(terms)
    except InvalidTerms as exc:
        errors += exc.errors
    return errors


# --- Schedules ----------------------------------------------------------------------------------


# (principal parts, interest parts) of one schedule
_Parts = tuple[list[Decimal], list[Decimal]]


def _equal_total_parts(net: Decimal, rate: Decimal, months: int) -> _Parts:
    payment = level_payment(net, rate, months)
    balance = net
    principal_parts: list[Decimal] = []
    interest_parts: list[Decimal] = []
    for _ in range(months - 1):
        interest = _fen(balance * rate)
        # Rounding the payment up can pay a tiny loan off early; never go below zero.
        principal = min(max(payment - interest, ZERO), balance)
        balance -= principal
        principal_parts.append(principal)
        interest_parts.append(interest)
    # The last instalment pays off exactly what is left.
    principal_parts.append(balance)
    interest_parts.append(_fen(balance * rate))
    return principal_parts, interest_parts


def _equal_principal_parts(net: Decimal, rate: Decimal, months: int) -> _Parts:
    principal_parts = split_evenly(net, months)
    interest_parts: list[Decimal] = []
    balance = net
    for principal in principal_parts:
        interest_parts.append(_fen(balance * rate))
        balance -= principal
    return principal_parts, interest_parts


def _compute(terms: ProposalTerms) -> Schedule:
    """Build the schedule of already validated terms; raise if an instalment would be 0."""
    months = terms.months
    waived = _money(terms.waived_amount)
    net = _money(terms.principal) - waived
    fees = _money(terms.fees)
    rate = _monthly_rate(Decimal(terms.annual_rate))

    if rate == 0:
        principal_parts, interest_parts = split_evenly(net, months), [ZERO] * months
    elif terms.method == "equal_principal":
        principal_parts, interest_parts = _equal_principal_parts(net, rate, months)
    else:
        principal_parts, interest_parts = _equal_total_parts(net, rate, months)

    deferral_interest = _fen(net * rate * terms.deferral_months)
    deferral_shares = split_evenly(deferral_interest, months)
    interest_parts = [i + d for i, d in zip(interest_parts, deferral_shares, strict=True)]
    fee_parts = split_evenly(fees, months)

    dates = due_dates(terms.first_due, months, deferral_months=terms.deferral_months)
    instalments = tuple(
        Instalment(
            number=k + 1,
            due_date=dates[k],
            amount=principal_parts[k] + interest_parts[k] + fee_parts[k],
            principal_part=principal_parts[k],
            interest_part=interest_parts[k],
            fee_part=fee_parts[k],
        )
        for k in range(months)
    )
    if any(i.amount <= 0 for i in instalments):
        raise InvalidTerms(
            [
                _error(
                    "months",
                    f"金额太少，分不成 {months} 期（每期至少 0.01 元）。请减少期数。",
                    f"The amount is too small to split into {months} monthly payments of at "
                    "least ¥0.01. Choose fewer months.",
                )
            ]
        )
    amounts = [i.amount for i in instalments]
    total_interest = sum(interest_parts, ZERO)
    return Schedule(
        terms=terms,
        instalments=instalments,
        net_principal=net,
        waived=waived,
        fees=fees,
        deferral_interest=deferral_interest,
        total_interest=total_interest,
        total=sum(amounts, ZERO),
        monthly_max=max(amounts),
        monthly_min=min(amounts),
    )


def build_schedule(terms: ProposalTerms) -> Schedule:
    """Compute the repayment schedule for ``terms``.

    Raises ``InvalidTerms`` (with every problem found) for terms that ``validate_terms`` would
    reject, except that the first due date is not compared with today: an agreed plan may have
    started in the past.
    """
    errors = _field_errors(terms)
    if errors:
        raise InvalidTerms(errors)
    return _compute(terms)


def _budget(can_pay_monthly: Decimal) -> Decimal:
    if not isinstance(can_pay_monthly, Decimal) or not can_pay_monthly.is_finite():
        raise ValueError("can_pay_monthly must be a finite Decimal")
    if can_pay_monthly < 0:
        raise ValueError("can_pay_monthly cannot be negative")
    return can_pay_monthly


def affordability(schedule: Schedule, can_pay_monthly: Decimal) -> Affordability:
    """Compare each instalment with what the borrower can pay per month.

    >>> plan = build_schedule(ProposalTerms(
    ...     kind="instalments", principal=Decimal("1000.00"), months=3,
    ...     first_due=date(2027, 1, 31)))
    >>> affordability(plan, Decimal("300"))
    Affordability(ok=False, shortfall=Decimal('33.34'), worst_month=1, months_over=3)
    """
    budget = _budget(can_pay_monthly)
    over = [i for i in schedule.instalments if i.amount > budget]
    if not over:
        return Affordability(ok=True, shortfall=ZERO, worst_month=None, months_over=0)
    worst = max(over, key=lambda i: i.amount)  # max() keeps the first of equal amounts
    return Affordability(
        ok=False,
        shortfall=worst.amount - budget,
        worst_month=worst.number,
        months_over=len(over),
    )


def compare(
    options: Sequence[ProposalTerms], *, can_pay_monthly: Decimal | None = None
) -> list[ComparisonRow]:
    """Summarise two or three options side by side, measured against the first one.

    Raises ``InvalidTerms`` for the first option that cannot be scheduled; validate each option
    first to show its errors next to it.
    """
    schedules = [build_schedule(terms) for terms in options]
    if not schedules:
        return []
    baseline = schedules[0].total
    return [
        ComparisonRow(
            option=n,
            kind=s.terms.kind,
            months=s.terms.months,
            deferral_months=s.terms.deferral_months,
            first_due=s.first_due,
            last_due=s.last_due,
            monthly_min=s.monthly_min,
            monthly_max=s.monthly_max,
            total=s.total,
            total_interest=s.total_interest,
            saves_vs_first=baseline - s.total,
            affordable=None if can_pay_monthly is None else affordability(s, can_pay_monthly).ok,
        )
        for n, s in enumerate(schedules, start=1)
    ]


def suggest_months(
    principal: Decimal,
    can_pay_monthly: Decimal,
    max_months: int = MAX_MONTHS,
    *,
    annual_rate: Decimal = Decimal(0),
    fees: Decimal = Decimal(0),
    method: Method = "equal_total",
) -> int | None:
    """Return the fewest months whose every instalment fits the monthly budget, or ``None``.

    The leftover fen on the first instalment count, so 1000.00 at 333.33 a month needs 4 months,
    not 3:

    >>> suggest_months(Decimal("1000.00"), Decimal("333.33"))
    4
    >>> suggest_months(Decimal("1000.00"), Decimal("333.34"))
    3
    >>> suggest_months(Decimal("100000.00"), Decimal("1000"), 60) is None
    True
    """
    budget = _budget(can_pay_monthly)
    if isinstance(max_months, bool) or not isinstance(max_months, int):
        raise ValueError("max_months must be a whole number")
    if not 1 <= max_months <= MAX_MONTHS:
        raise ValueError(f"max_months must be between 1 and {MAX_MONTHS}")
    for months in range(1, max_months + 1):
        terms = ProposalTerms(
            kind="instalments",
            principal=principal,
            months=months,
            first_due=_ANY_DATE,
            annual_rate=annual_rate,
            fees=fees,
            method=method,
        )
        errors = _field_errors(terms)
        if errors:
            raise InvalidTerms(errors)
        try:
            schedule = _compute(terms)
        except InvalidTerms:
            return None  # more months only make the instalments smaller still
        if schedule.monthly_max <= budget:
            return months
    return None
