"""The combination rules as pure functions: months into quarters and years, teams into the borough, profiles."""

from datetime import date
from decimal import Decimal

import pytest

from api.kpis.combining import Piece, combine, default_combine, months_of, over, profile_target, rolling
from api.kpis.models import Combine, ProfileBasis, StatusSymbol, Unit
from api.periods import Period, PeriodType, parse_period

D = Decimal
FY = parse_period("FY2016-17")


def month(code: str) -> Period:
    return parse_period(code)


def held(*pieces: Piece) -> dict[str, Piece]:
    return {piece.label: piece for piece in pieces}


def first_months(count: int) -> list[Period]:
    return months_of(FY, FY)[:count]


class TestSum:
    def test_a_quarter_is_its_months_added_up(self) -> None:
        figures = held(Piece("2016-04", D(10)), Piece("2016-05", D(12)), Piece("2016-06", D(8)))
        found = over(Combine.sum, Unit.count, first_months(3), figures, quarters=False)
        assert (found.value, found.parts, found.reason) == (D(30), ("2016-04", "2016-05", "2016-06"), None)

    def test_a_missing_month_leaves_no_figure_and_names_it(self) -> None:
        figures = held(Piece("2016-04", D(10)), Piece("2016-06", D(8)))
        found = over(Combine.sum, Unit.count, first_months(3), figures, quarters=False)
        assert found.value is None
        assert found.reason == "No figure for 2016-05."

    def test_a_quarter_stands_in_for_its_missing_months_in_the_year_to_date(self) -> None:
        figures = held(Piece("FY2016-17-Q1", D(30)), Piece("2016-07", D(11)), Piece("2016-04", D(9)))
        found = over(Combine.sum, Unit.count, first_months(4), figures)
        assert (found.value, found.parts) == (D(41), ("FY2016-17-Q1", "2016-07"))

    def test_months_come_before_their_quarter_when_all_are_there(self) -> None:
        figures = held(Piece("FY2016-17-Q1", D(99)), *(Piece(m.code, D(1)) for m in first_months(3)))
        assert over(Combine.sum, Unit.count, first_months(3), figures).value == D(3)

    def test_a_withheld_figure_is_not_combined(self) -> None:
        figures = held(Piece("2016-04", D(10)), Piece("2016-05", None, status_symbol=StatusSymbol.confidential))
        found = over(Combine.sum, Unit.count, first_months(2), figures)
        assert found.value is None
        assert found.reason is not None
        assert "2016-05 is withheld" in found.reason


class TestLatest:
    def test_a_span_is_its_last_months_figure(self) -> None:
        figures = held(Piece("2016-04", D(380)), Piece("2016-05", D(384)), Piece("2016-06", D(390)))
        found = over(Combine.latest, Unit.count, first_months(3), figures)
        assert (found.value, found.parts) == (D(390), ("2016-06",))

    def test_a_quarters_figure_stands_in_for_its_missing_last_month(self) -> None:
        figures = held(Piece("2016-04", D(380)), Piece("FY2016-17-Q1", D(391)))
        assert over(Combine.latest, Unit.count, first_months(3), figures).value == D(391)

    def test_without_the_last_month_there_is_no_figure(self) -> None:
        figures = held(Piece("2016-04", D(380)), Piece("2016-05", D(384)))
        found = over(Combine.latest, Unit.count, first_months(3), figures, quarters=False)
        assert found.value is None
        assert found.reason is not None
        assert "2016-06" in found.reason

    def test_has_no_rolling_twelve_months(self) -> None:
        assert rolling(Combine.latest, Unit.count, month("2016-06"), {}).reason is not None


class TestRatio:
    def test_a_percentage_is_the_sum_of_numerators_over_the_sum_of_denominators(self) -> None:
        figures = held(Piece("2016-04", D(90), D(9), D(10)), Piece("2016-05", D(50), D(50), D(100)))
        found = over(Combine.ratio, Unit.percent, first_months(2), figures)
        assert (found.value, found.numerator, found.denominator) == (D("53.636364"), D(59), D(110))

    def test_another_unit_weights_each_figure_by_its_denominator(self) -> None:
        figures = held(Piece("2016-04", D(40), D(4), D(1000)), Piece("2016-05", D(70), D(21), D(3000)))
        assert over(Combine.ratio, Unit.rate, first_months(2), figures).value == D("62.5")

    def test_needs_every_numerator_and_denominator(self) -> None:
        figures = held(Piece("2016-04", D(90), D(9), D(10)), Piece("2016-05", D(50)))
        found = over(Combine.ratio, Unit.percent, first_months(2), figures)
        assert found.value is None
        assert found.reason is not None
        assert "2016-05 gave none" in found.reason


class TestRolling:
    def test_twelve_months_to_a_months_end_reach_back_into_the_year_before(self) -> None:
        year_before = months_of(parse_period("FY2015-16"), parse_period("FY2015-16"))
        figures = held(*(Piece(m.code, D(1)) for m in [*year_before, *first_months(3)]))
        found = rolling(Combine.sum, Unit.count, month("2016-06"), figures)
        assert (found.value, found.parts[0], found.parts[-1]) == (D(12), "2015-07", "2016-06")

    def test_are_not_worked_out_from_fewer(self) -> None:
        figures = held(*(Piece(m.code, D(1)) for m in first_months(6)))
        assert rolling(Combine.sum, Unit.count, month("2016-09"), figures).value is None


class TestAcrossTeams:
    def test_snapshot_counts_add_up_across_teams(self) -> None:
        found = combine(Combine.latest, Unit.count, [Piece("north", D(200)), Piece("south", D(180))], across=True)
        assert found.value == D(380)

    def test_snapshot_percentages_combine_only_as_ratios(self) -> None:
        found = combine(Combine.latest, Unit.percent, [Piece("north", D(50)), Piece("south", D(60))], across=True)
        assert found.value is None
        assert found.reason is not None
        assert "does not add up across teams" in found.reason
        pieces = [Piece("north", D(50), D(5), D(10)), Piece("south", D(60), D(18), D(30))]
        assert combine(Combine.latest, Unit.percent, pieces, across=True).value == D("57.5")


class TestProfileTarget:
    POINTS = {
        date(2016, 6, 30): D(300),
        date(2016, 9, 30): D(300),
        date(2016, 12, 31): D(300),
        date(2017, 3, 31): D(300),
    }

    def test_a_per_period_count_profile_adds_up_to_the_year_so_far(self) -> None:
        assert profile_target(Combine.sum, ProfileBasis.per_period, self.POINTS, date(2016, 12, 31)) == D(900)

    def test_a_cumulative_or_a_rates_point_is_its_own(self) -> None:
        assert profile_target(Combine.sum, ProfileBasis.cumulative, self.POINTS, date(2016, 12, 31)) == D(300)
        assert profile_target(Combine.ratio, ProfileBasis.per_period, self.POINTS, date(2016, 12, 31)) == D(300)

    def test_no_point_ends_then(self) -> None:
        assert profile_target(Combine.sum, ProfileBasis.per_period, self.POINTS, date(2016, 7, 31)) is None


@pytest.mark.parametrize(
    ("unit", "rule"),
    [
        (Unit.count, Combine.sum),
        (Unit.currency, Combine.sum),
        (Unit.percent, Combine.ratio),
        (Unit.days, Combine.latest),
    ],
)
def test_a_kpi_without_a_rule_takes_its_units(unit: Unit, rule: Combine) -> None:
    assert default_combine(unit) is rule


def test_months_of_a_quarter() -> None:
    quarter = Period(PeriodType.financial_quarter, 2016, 4)
    assert [m.code for m in months_of(quarter, quarter)] == ["2017-01", "2017-02", "2017-03"]
