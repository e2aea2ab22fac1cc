"""Repayment schedule arithmetic: exact totals, positive instalments, valid due dates."""

from __future__ import annotations

import ast
import calendar
import dataclasses
import doctest
import itertools
import sys
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from collectguard.negotiation import schedule as schedule_module
from collectguard.negotiation.schedule import (
    KINDS,
    MAX_MONTHS,
    METHODS,
    Affordability,
    InvalidTerms,
    ProposalTerms,
    Schedule,
    TermsError,
    add_months,
    affordability,
    build_schedule,
    compare,
    split_evenly,
    suggest_months,
    validate_terms,
)

TODAY = date(2026, 11, 29)
# No example database: tests must not write into the repository.
PROPERTY = settings(database=None, deadline=None, max_examples=200)


def terms(**overrides: object) -> ProposalTerms:
    """Valid 3-month instalment terms, changed by ``overrides``."""
    values: dict[str, object] = {
        "kind": "instalments",
        "principal": Decimal("1000.00"),
        "months": 3,
        "first_due": date(2026, 12, 15),
    }
    values.update(overrides)
    return ProposalTerms(**values)  # type: ignore[arg-type]


def fields(errors: list[TermsError]) -> list[str]:
    return [e.field for e in errors]


def amounts(schedule: Schedule) -> list[Decimal]:
    return [i.amount for i in schedule.instalments]


def expected_due_date(anchor: date, months_after: int) -> date:
    """An oracle written independently of ``add_months``: same day, clamped to the month end."""
    month_count = anchor.month - 1 + months_after
    year = anchor.year + month_count // 12
    month = month_count % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(anchor.day, last_day))


# --- Strategies ---------------------------------------------------------------------------------


def money(low: str, high: str) -> st.SearchStrategy[Decimal]:
    return st.decimals(
        min_value=Decimal(low), max_value=Decimal(high), places=2, allow_nan=False,
        allow_infinity=False,
    )  # fmt: skip


rates = st.one_of(
    st.just(Decimal(0)),
    st.decimals(min_value=0, max_value=36, places=2, allow_nan=False, allow_infinity=False),
)

# Month ends and leap days are where due-date arithmetic goes wrong, so ask for them often.
tricky_first_dues = st.one_of(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2040, 12, 31)),
    st.builds(
        lambda year, month, day: date(year, month, min(day, calendar.monthrange(year, month)[1])),
        st.integers(2024, 2040),
        st.integers(1, 12),
        st.integers(28, 31),
    ),
    st.sampled_from([date(2028, 1, 31), date(2027, 12, 31), date(2028, 2, 29), date(2026, 8, 31)]),
)


@st.composite
def proposals(draw: st.DrawFn, *, generous: bool) -> ProposalTerms:
    """Any well-formed terms; ``generous`` ones owe at least 1 yuan per month after waivers."""
    kind = draw(st.sampled_from(KINDS))
    months = draw(st.integers(1, MAX_MONTHS))
    low = Decimal(months + 1) if generous else Decimal("0.02")
    principal = draw(money(str(low), "5000000.00"))
    waived = Decimal(0)
    deferral = 0
    if kind in ("waiver", "combination"):
        ceiling = principal - (Decimal(months) if generous else Decimal("0.01"))
        waived = draw(money("0.01", str(ceiling)))
    if kind in ("deferral", "combination"):
        deferral = draw(st.integers(1 if kind == "deferral" else 0, 24))
    return ProposalTerms(
        kind=kind,
        principal=principal,
        months=months,
        first_due=draw(tricky_first_dues),
        annual_rate=draw(rates),
        fees=draw(st.one_of(st.just(Decimal(0)), money("0.00", "5000.00"))),
        deferral_months=deferral,
        waived_amount=waived,
        method=draw(st.sampled_from(METHODS)),
    )


def assert_sound(schedule: Schedule) -> None:
    """Every invariant a borrower relies on when they read the schedule."""
    t = schedule.terms
    rows = schedule.instalments
    net = t.principal - t.waived_amount

    assert len(rows) == t.months
    assert [i.number for i in rows] == list(range(1, t.months + 1))
    for i in rows:
        assert i.amount > 0
        assert i.amount == i.principal_part + i.interest_part + i.fee_part
        assert i.principal_part >= 0
        assert i.interest_part >= 0
        assert i.fee_part >= 0
        for part in (i.amount, i.principal_part, i.interest_part, i.fee_part):
            assert part.as_tuple().exponent == -2, part

    assert sum(i.principal_part for i in rows) == net == schedule.net_principal
    assert sum(i.fee_part for i in rows) == t.fees
    assert sum(i.interest_part for i in rows) == schedule.total_interest
    assert sum(amounts(schedule)) == schedule.total
    assert schedule.total == net + t.fees + schedule.total_interest
    assert schedule.deferral_interest <= schedule.total_interest
    if t.annual_rate == 0:
        assert schedule.total_interest == 0
        assert schedule.total == net + t.fees
    assert schedule.monthly_max == max(amounts(schedule))
    assert schedule.monthly_min == min(amounts(schedule))

    dates = [i.due_date for i in rows]
    assert all(a < b for a, b in itertools.pairwise(dates))
    for k, due in enumerate(dates):
        assert due == expected_due_date(t.first_due, t.deferral_months + k)
    assert schedule.first_due == dates[0]
    assert schedule.last_due == dates[-1]


# --- Properties ---------------------------------------------------------------------------------


@PROPERTY
@given(proposals(generous=True))
@example(terms(first_due=date(2028, 1, 31), months=60))
@example(terms(first_due=date(2028, 2, 29), months=48, annual_rate=Decimal("36")))
@example(terms(principal=Decimal("100000000.00"), months=60, annual_rate=Decimal("35.99")))
def test_every_sound_proposal_gets_an_exact_schedule(proposal: ProposalTerms) -> None:
    assert validate_terms(proposal, check_dates=False) == []
    assert_sound(build_schedule(proposal))


@PROPERTY
@given(proposals(generous=False))
@example(terms(principal=Decimal("0.02"), months=3))
@example(terms(principal=Decimal("0.10"), months=60, annual_rate=Decimal("36")))
def test_tiny_amounts_give_a_sound_schedule_or_a_clear_error(proposal: ProposalTerms) -> None:
    try:
        schedule = build_schedule(proposal)
    except InvalidTerms as exc:
        assert fields(list(exc.errors)) == ["months"]
        assert "0.01" in exc.errors[0].message_zh
        assert validate_terms(proposal, check_dates=False) == list(exc.errors)
    else:
        assert_sound(schedule)


@PROPERTY
@given(proposals(generous=True))
def test_equal_total_instalments_are_level_apart_from_the_first_and_last(
    proposal: ProposalTerms,
) -> None:
    proposal = dataclasses.replace(proposal, method="equal_total")
    middle = amounts(build_schedule(proposal))[1:-1]
    assert len(set(middle)) <= 1


@PROPERTY
@given(proposals(generous=True))
def test_equal_principal_repays_the_same_principal_after_the_first_month(
    proposal: ProposalTerms,
) -> None:
    proposal = dataclasses.replace(proposal, method="equal_principal")
    parts = [i.principal_part for i in build_schedule(proposal).instalments]
    assert len(set(parts[1:])) <= 1
    assert Decimal(0) <= parts[0] - parts[-1] < Decimal(proposal.months) / 100


@PROPERTY
@given(money("0.00", "100000000.00"), st.integers(1, 100))
def test_split_evenly_is_exact_and_puts_the_leftover_first(amount: Decimal, parts: int) -> None:
    shares = split_evenly(amount, parts)
    assert len(shares) == parts
    assert sum(shares) == amount
    assert len(set(shares[1:])) <= 1
    assert Decimal(0) <= shares[0] - shares[-1] < Decimal(parts) / 100


@PROPERTY
@given(tricky_first_dues, st.integers(0, 84))
def test_add_months_counts_from_the_anchor_day(anchor: date, months: int) -> None:
    due = add_months(anchor, months)
    assert due == expected_due_date(anchor, months)
    assert due.day == min(anchor.day, calendar.monthrange(due.year, due.month)[1])


@PROPERTY
@given(money("0.01", "200000.00"), money("0.00", "50000.00"))
def test_suggested_months_are_the_fewest_that_fit(principal: Decimal, budget: Decimal) -> None:
    months = suggest_months(principal, budget)
    fitting = [
        n
        for n in range(1, MAX_MONTHS + 1)
        if n * Decimal("0.01") <= principal
        and build_schedule(terms(principal=principal, months=n)).monthly_max <= budget
    ]
    assert months == (fitting[0] if fitting else None)


@PROPERTY
@given(proposals(generous=True), money("0.00", "100000.00"))
def test_affordability_flags_exactly_the_instalments_over_budget(
    proposal: ProposalTerms, budget: Decimal
) -> None:
    schedule = build_schedule(proposal)
    result = affordability(schedule, budget)
    over = [i for i in schedule.instalments if i.amount > budget]
    assert result.ok is (not over)
    assert result.months_over == len(over)
    assert result.shortfall == max(schedule.monthly_max - budget, Decimal(0))
    if over:
        assert result.worst_month is not None
        assert schedule.instalments[result.worst_month - 1].amount == schedule.monthly_max
    else:
        assert result.worst_month is None


# --- Examples: amounts --------------------------------------------------------------------------


def test_it_puts_the_leftover_cent_on_the_first_instalment() -> None:
    schedule = build_schedule(terms(principal=Decimal("100.00"), months=3))
    assert amounts(schedule) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert schedule.total == Decimal("100.00")


def test_it_puts_all_leftover_cents_on_the_first_instalment() -> None:
    schedule = build_schedule(terms(principal=Decimal("10000.00"), months=7))
    assert amounts(schedule) == [Decimal("1428.58")] + [Decimal("1428.57")] * 6


def test_it_amortises_equal_payments_like_a_bank() -> None:
    # 10,000 yuan at 6% a year over 12 months: the textbook 等额本息 payment is 860.66.
    schedule = build_schedule(terms(principal=Decimal("10000.00"), months=12, annual_rate=6))
    assert amounts(schedule)[:11] == [Decimal("860.66")] * 11
    # Rounding the payment down left 4 fen short each month; the last instalment makes it up.
    assert amounts(schedule)[11] == Decimal("860.70")
    assert schedule.instalments[0].interest_part == Decimal("50.00")
    assert schedule.total_interest == Decimal("327.96")
    assert schedule.total == Decimal("10327.96")


def test_equal_principal_interest_falls_each_month() -> None:
    schedule = build_schedule(
        terms(
            principal=Decimal("12000.00"),
            months=12,
            annual_rate=Decimal("6"),
            method="equal_principal",
        )
    )
    assert {i.principal_part for i in schedule.instalments} == {Decimal("1000.00")}
    interest = [i.interest_part for i in schedule.instalments]
    assert interest[0] == Decimal("60.00")
    assert interest[-1] == Decimal("5.00")
    assert interest == sorted(interest, reverse=True)
    assert schedule.total_interest == Decimal("390.00")


def test_it_subtracts_the_waived_amount() -> None:
    schedule = build_schedule(
        terms(kind="waiver", principal=Decimal("1300.00"), waived_amount=Decimal("300.00"))
    )
    assert schedule.net_principal == Decimal("1000.00")
    assert schedule.waived == Decimal("300.00")
    assert schedule.total == Decimal("1000.00")


def test_it_spreads_fees_over_the_instalments_with_the_leftover_first() -> None:
    schedule = build_schedule(terms(principal=Decimal("900.00"), fees=Decimal("10.00")))
    assert [i.fee_part for i in schedule.instalments] == [
        Decimal("3.34"),
        Decimal("3.33"),
        Decimal("3.33"),
    ]
    assert schedule.total == Decimal("910.00")


def test_it_charges_simple_interest_for_the_deferral_months() -> None:
    schedule = build_schedule(
        terms(
            kind="deferral",
            principal=Decimal("12000.00"),
            months=12,
            annual_rate=Decimal("6"),
            deferral_months=2,
            method="equal_principal",
        )
    )
    # 12,000 × 0.5% × 2 months = 120.00, i.e. 10.00 a month on top of the usual interest.
    assert schedule.deferral_interest == Decimal("120.00")
    assert schedule.total_interest == Decimal("510.00")
    assert schedule.instalments[0].interest_part == Decimal("70.00")


def test_it_has_no_interest_without_a_rate_even_with_a_deferral() -> None:
    schedule = build_schedule(terms(kind="deferral", deferral_months=6))
    assert schedule.total_interest == schedule.deferral_interest == Decimal("0.00")
    assert schedule.total == Decimal("1000.00")


def test_it_refuses_to_make_zero_instalments() -> None:
    with pytest.raises(InvalidTerms) as exc:
        build_schedule(terms(principal=Decimal("0.02"), months=3))
    assert fields(list(exc.value.errors)) == ["months"]
    assert "fewer months" in exc.value.errors[0].message_en


def test_fees_can_keep_every_instalment_above_zero() -> None:
    schedule = build_schedule(terms(principal=Decimal("0.01"), months=3, fees=Decimal("0.03")))
    assert amounts(schedule) == [Decimal("0.02"), Decimal("0.01"), Decimal("0.01")]


# --- Examples: due dates ------------------------------------------------------------------------


def test_it_clamps_jan_31_to_feb_29_in_a_leap_year_and_returns_to_mar_31() -> None:
    schedule = build_schedule(terms(first_due=date(2028, 1, 31), months=4))
    assert [i.due_date for i in schedule.instalments] == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]


def test_it_clamps_to_feb_28_in_a_common_year() -> None:
    schedule = build_schedule(terms(first_due=date(2026, 12, 31), months=3))
    assert [i.due_date for i in schedule.instalments] == [
        date(2026, 12, 31),
        date(2027, 1, 31),
        date(2027, 2, 28),
    ]


def test_it_starts_after_the_deferral_months() -> None:
    schedule = build_schedule(
        terms(kind="deferral", first_due=date(2027, 11, 30), deferral_months=3)
    )
    assert [i.due_date for i in schedule.instalments] == [
        date(2028, 2, 29),
        date(2028, 3, 30),
        date(2028, 4, 30),
    ]


# --- Examples: validation -----------------------------------------------------------------------


def test_it_accepts_sound_terms() -> None:
    assert validate_terms(terms(), today=TODAY) == []


def test_it_rejects_600_months() -> None:
    errors = validate_terms(terms(months=600), today=TODAY)
    assert fields(errors) == ["months"]
    assert "60" in errors[0].message_zh
    assert "第70条" in errors[0].message_zh
    assert errors[0].provision == "CC-BANK-70"


def test_it_accepts_60_months() -> None:
    assert validate_terms(terms(months=60), today=TODAY) == []


def test_it_rejects_0_months() -> None:
    assert fields(validate_terms(terms(months=0), today=TODAY)) == ["months"]


@pytest.mark.parametrize("amount", ["-1.00", "0", "0.00", "-0"])
def test_it_rejects_an_amount_owed_that_is_not_positive(amount: str) -> None:
    errors = validate_terms(terms(principal=Decimal(amount)), today=TODAY)
    assert fields(errors) == ["principal"]


@pytest.mark.parametrize("field", ["fees", "waived_amount"])
def test_it_rejects_negative_fees_and_waivers(field: str) -> None:
    errors = validate_terms(terms(kind="combination", **{field: Decimal("-5")}), today=TODAY)
    assert "principal" not in fields(errors)
    assert field in fields(errors)
    assert "负数" in next(e.message_zh for e in errors if e.field == field)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_it_rejects_numbers_that_are_not_numbers(value: str) -> None:
    errors = validate_terms(
        terms(principal=Decimal(value), fees=Decimal(value), annual_rate=Decimal(value)),
        today=TODAY,
    )
    assert sorted(fields(errors)) == ["annual_rate", "fees", "principal"]


def test_it_rejects_more_than_two_decimal_places() -> None:
    errors = validate_terms(terms(principal=Decimal("100.005")), today=TODAY)
    assert fields(errors) == ["principal"]
    assert "两位小数" in errors[0].message_zh


def test_it_accepts_trailing_zeros_beyond_two_decimal_places() -> None:
    schedule = build_schedule(terms(principal=Decimal("100.000")))
    assert schedule.total == Decimal("100.00")
    assert str(schedule.total) == "100.00"


def test_it_rejects_absurdly_large_amounts() -> None:
    errors = validate_terms(terms(principal=Decimal("1e30")), today=TODAY)
    assert fields(errors) == ["principal"]
    assert "1 亿" in errors[0].message_zh


def test_it_rejects_rates_above_36_percent_and_says_why() -> None:
    errors = validate_terms(terms(annual_rate=Decimal("36.01")), today=TODAY)
    assert fields(errors) == ["annual_rate"]
    assert "LPR" in errors[0].message_zh
    assert "Loan Prime Rate" in errors[0].message_en
    assert errors[0].provision == "SPC-MJ-25"


def test_it_accepts_a_rate_of_exactly_36_percent() -> None:
    assert validate_terms(terms(annual_rate=Decimal("36")), today=TODAY) == []


def test_it_rejects_a_negative_rate() -> None:
    assert fields(validate_terms(terms(annual_rate=Decimal("-1")), today=TODAY)) == ["annual_rate"]


@pytest.mark.parametrize("waived", ["1000.00", "1000.01"])
def test_it_rejects_a_waiver_as_large_as_the_debt(waived: str) -> None:
    errors = validate_terms(terms(kind="waiver", waived_amount=Decimal(waived)), today=TODAY)
    assert fields(errors) == ["waived_amount"]


def test_it_rejects_a_waiver_on_plain_instalments() -> None:
    errors = validate_terms(terms(waived_amount=Decimal("10")), today=TODAY)
    assert fields(errors) == ["waived_amount"]


def test_it_rejects_a_waiver_of_nothing() -> None:
    assert fields(validate_terms(terms(kind="waiver"), today=TODAY)) == ["waived_amount"]


def test_it_rejects_a_deferral_of_no_months_or_of_too_many() -> None:
    assert fields(validate_terms(terms(kind="deferral"), today=TODAY)) == ["deferral_months"]
    errors = validate_terms(terms(kind="deferral", deferral_months=25), today=TODAY)
    assert fields(errors) == ["deferral_months"]


def test_it_rejects_a_deferral_on_plain_instalments() -> None:
    errors = validate_terms(terms(deferral_months=2), today=TODAY)
    assert fields(errors) == ["deferral_months"]


def test_it_rejects_a_combination_of_nothing() -> None:
    assert fields(validate_terms(terms(kind="combination"), today=TODAY)) == ["kind"]


def test_it_rejects_unknown_kinds_and_methods() -> None:
    errors = validate_terms(terms(kind="停息挂账", method="balloon"), today=TODAY)
    assert fields(errors) == ["kind", "method"]


def test_it_rejects_a_first_due_date_in_the_past() -> None:
    errors = validate_terms(terms(first_due=date(2026, 11, 28)), today=TODAY)
    assert fields(errors) == ["first_due"]
    assert "2026年11月29日" in errors[0].message_zh


def test_it_accepts_today_as_the_first_due_date() -> None:
    assert validate_terms(terms(first_due=TODAY), today=TODAY) == []


def test_it_rejects_a_first_due_date_years_away() -> None:
    errors = validate_terms(terms(first_due=date(2062, 11, 29)), today=TODAY)
    assert fields(errors) == ["first_due"]
    assert "推迟月数" in errors[0].message_zh


def test_it_can_skip_the_date_checks_for_an_agreement_made_earlier() -> None:
    past = terms(first_due=date(2025, 1, 31))
    assert validate_terms(past, today=TODAY, check_dates=False) == []
    assert build_schedule(past).first_due == date(2025, 1, 31)


def test_it_rejects_dates_the_calendar_cannot_reach() -> None:
    errors = validate_terms(terms(first_due=date(9999, 11, 1), months=60), check_dates=False)
    assert fields(errors) == ["first_due"]


def test_it_rejects_a_datetime_and_floats() -> None:
    errors = validate_terms(
        terms(first_due=datetime(2027, 1, 1, 9), principal=1000.0, months=3.0), today=TODAY
    )
    assert sorted(fields(errors)) == ["first_due", "months", "principal"]


def test_it_reports_every_problem_at_once() -> None:
    bad = terms(principal=Decimal("-1"), months=0, annual_rate=Decimal("99"))
    errors = validate_terms(bad, today=TODAY)
    assert fields(errors) == ["principal", "months", "annual_rate"]
    with pytest.raises(InvalidTerms) as exc:
        build_schedule(bad)
    assert list(exc.value.errors) == errors


def test_every_message_is_in_chinese_and_english() -> None:
    bad = [
        terms(principal=Decimal("-1"), months=600, annual_rate=Decimal("99")),
        terms(kind="combination", fees=Decimal("NaN"), first_due=date(2020, 1, 1)),
        terms(kind="waiver", waived_amount=Decimal("5000"), deferral_months=30),
        terms(principal=Decimal("0.01"), months=2),
    ]
    errors = [e for t in bad for e in validate_terms(t, today=TODAY)]
    assert len(errors) >= 7
    for error in errors:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.message_zh), error
        assert error.message_en.isascii() or "¥" in error.message_en, error
        assert error.message_en.endswith("."), error


# --- Examples: affordability, comparison, suggestions -------------------------------------------


def test_it_warns_when_the_plan_exceeds_what_the_borrower_can_pay() -> None:
    schedule = build_schedule(terms(principal=Decimal("1000.00"), months=3))
    assert affordability(schedule, Decimal("333.33")) == Affordability(
        ok=False, shortfall=Decimal("0.01"), worst_month=1, months_over=1
    )


def test_it_is_content_when_the_plan_fits() -> None:
    schedule = build_schedule(terms(principal=Decimal("1000.00"), months=3))
    assert affordability(schedule, Decimal("333.34")) == Affordability(
        ok=True, shortfall=Decimal("0.00"), worst_month=None, months_over=0
    )


def test_it_refuses_a_negative_budget() -> None:
    with pytest.raises(ValueError, match="negative"):
        affordability(build_schedule(terms()), Decimal("-1"))


def test_it_compares_options_against_the_first() -> None:
    options = [
        terms(principal=Decimal("12000.00"), months=12, annual_rate=Decimal("6")),
        terms(principal=Decimal("12000.00"), months=24, annual_rate=Decimal("6")),
        terms(
            kind="waiver",
            principal=Decimal("12000.00"),
            waived_amount=Decimal("2000.00"),
            months=12,
        ),
    ]
    rows = compare(options, can_pay_monthly=Decimal("600"))
    assert [r.option for r in rows] == [1, 2, 3]
    assert [r.months for r in rows] == [12, 24, 12]
    assert rows[0].saves_vs_first == Decimal("0.00")
    assert rows[1].saves_vs_first < 0  # a longer plan costs more interest
    assert rows[2].saves_vs_first == rows[0].total - Decimal("10000.00")
    assert [r.affordable for r in rows] == [False, True, False]
    assert rows[1].monthly_min <= rows[1].monthly_max == Decimal("531.85")
    assert rows[0].last_due == date(2027, 11, 15)


def test_it_compares_nothing_to_nothing() -> None:
    assert compare([]) == []


def test_it_will_not_compare_an_impossible_option() -> None:
    with pytest.raises(InvalidTerms):
        compare([terms(), terms(months=600)])


def test_it_suggests_the_fewest_months_that_fit() -> None:
    assert suggest_months(Decimal("1000.00"), Decimal("300")) == 4
    assert suggest_months(Decimal("1000.00"), Decimal("1000")) == 1


def test_it_counts_interest_and_fees_when_suggesting_months() -> None:
    plain = suggest_months(Decimal("10000.00"), Decimal("900"))
    costly = suggest_months(
        Decimal("10000.00"), Decimal("900"), annual_rate=Decimal("18"), fees=Decimal("300")
    )
    assert plain == 12
    assert costly is not None
    assert costly > plain


def test_it_suggests_nothing_when_even_the_longest_plan_is_too_much() -> None:
    # 100,000.00 over 60 months is 1666.66 a month with 0.40 left over on the first.
    assert suggest_months(Decimal("100000.00"), Decimal("1667.05")) is None
    assert suggest_months(Decimal("100000.00"), Decimal("1667.06")) == 60
    assert suggest_months(Decimal("1000.00"), Decimal("0")) is None
    assert suggest_months(Decimal("1000.00"), Decimal("200"), max_months=4) is None


def test_it_refuses_to_suggest_for_nonsense() -> None:
    with pytest.raises(InvalidTerms):
        suggest_months(Decimal("-5"), Decimal("100"))
    with pytest.raises(ValueError, match="max_months"):
        suggest_months(Decimal("5"), Decimal("100"), max_months=600)


# --- Doctests -----------------------------------------------------------------------------------


def test_the_docstring_examples_hold() -> None:
    result = doctest.testmod(schedule_module, raise_on_error=False)
    assert result.attempted >= 15
    assert result.failed == 0


def test_the_module_imports_only_the_standard_library() -> None:
    source = schedule_module.__file__
    assert source is not None
    with open(source, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert {name.split(".")[0] for name in imported} <= set(sys.stdlib_module_names) | {
        "__future__"
    }
