"""The RAG rules, with the Council Plan's own KPIs as examples: pure functions, so no database."""

from decimal import Decimal

import pytest

from api.kpis.models import Polarity, Unit
from api.kpis.rating import (
    Direction,
    Rating,
    RatingStatus,
    Travel,
    direction_of_travel,
    format_figure,
    numeric_status,
    rate_monitor,
    rate_numeric,
    rate_relative_to_national,
    travel_direction,
)

HIGHER = Polarity.higher_better
LOWER = Polarity.lower_better
NO_POLARITY = Polarity.none
GREEN, AMBER, RED, NOT_RATED = RatingStatus.green, RatingStatus.amber, RatingStatus.red, RatingStatus.not_rated


def _tolerance(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def percent_rating(
    value: str, target: str, polarity: Polarity, tolerance: str | None = None, places: int = 0
) -> Rating:
    return rate_numeric(
        Decimal(value),
        Decimal(target),
        polarity=polarity,
        amber_tolerance=_tolerance(tolerance),
        unit=Unit.percent,
        decimal_places=places,
    )


def eyfs_rating(
    local: tuple[str | None, str | None],
    england: tuple[str | None, str | None],
    polarity: Polarity = HIGHER,
    tolerance: str | None = None,
) -> Rating:
    """EYFS good level of development, AY2015-16 to AY2016-17: figures given as (before, now)."""
    (local_before, local_now), (national_before, national_now) = local, england
    return rate_relative_to_national(
        local_now=None if local_now is None else Decimal(local_now),
        local_before=None if local_before is None else Decimal(local_before),
        national_now=None if national_now is None else Decimal(national_now),
        national_before=None if national_before is None else Decimal(national_before),
        polarity=polarity,
        amber_tolerance=_tolerance(tolerance),
        unit=Unit.percent,
        decimal_places=0,
        period="AY2016-17",
        earlier_period="AY2015-16",
    )


def travel(
    current: str,
    earlier: str | None,
    polarity: Polarity,
    unit: Unit = Unit.percent,
    places: int = 0,
    against: str | None = "FY2015-16",
) -> Travel:
    return direction_of_travel(
        Decimal(current),
        None if earlier is None else Decimal(earlier),
        polarity=polarity,
        decimal_places=places,
        unit=unit,
        against=against,
    )


class TestFormatFigure:
    @pytest.mark.parametrize(
        ("value", "unit", "places", "shown"),
        [
            ("9", Unit.percent, 0, "9%"),
            ("9.000000", Unit.percent, 0, "9%"),
            ("24.6", Unit.percent, 1, "24.6%"),
            ("52", Unit.percent, 1, "52.0%"),
            ("100", Unit.percent, 0, "100%"),
            ("611", Unit.days, 0, "611 days"),
            ("1", Unit.days, 0, "1 day"),
            ("1", Unit.days, 1, "1.0 days"),
            ("1484", Unit.count, 0, "1,484"),
            ("1234567", Unit.count, 0, "1,234,567"),
            ("45.2", Unit.rate, 1, "45.2"),
            ("12345.67", Unit.rate, 1, "12,345.7"),
            ("-2", Unit.rate, 0, "-2"),
        ],
    )
    def test_each_unit_is_shown_as_a_reader_expects(self, value: str, unit: Unit, places: int, shown: str) -> None:
        assert format_figure(Decimal(value), unit, places) == shown

    @pytest.mark.parametrize(
        ("pence", "shown"),
        [
            ("80000000", "£800,000"),
            ("80000050", "£800,000.50"),
            ("80000005", "£800,000.05"),
            ("99", "£0.99"),
            ("100", "£1"),
            ("0", "£0"),
            ("-150000", "-£1,500"),
            ("-150050", "-£1,500.50"),
        ],
    )
    def test_currency_pence_are_shown_as_pounds_with_pence_only_when_there_are_some(
        self, pence: str, shown: str
    ) -> None:
        assert format_figure(Decimal(pence), Unit.currency, 0) == shown

    def test_currency_is_rounded_to_whole_pence_whatever_the_decimal_places(self) -> None:
        assert format_figure(Decimal("80000000.4"), Unit.currency, 2) == "£800,000"
        assert format_figure(Decimal("80000049.5"), Unit.currency, 0) == "£800,000.50"

    @pytest.mark.parametrize(
        ("value", "places", "shown"),
        [
            ("7.4", 0, "7%"),
            ("7.5", 0, "8%"),
            ("2.5", 0, "3%"),  # half up, not the banker's half-even that would give 2%
            ("24.65", 1, "24.7%"),
            ("24.649", 1, "24.6%"),
            ("-0.4", 0, "0%"),
        ],
    )
    def test_figures_round_half_up_and_never_show_minus_zero(self, value: str, places: int, shown: str) -> None:
        assert format_figure(Decimal(value), Unit.percent, places) == shown


class TestRateNumeric:
    @pytest.mark.parametrize(
        ("value", "target", "polarity", "tolerance", "places", "status"),
        [
            # NEET or not known, 16-19: lower is better, baseline 9% against a target of 7%.
            ("9", "7", LOWER, None, 0, RED),
            ("7", "7", LOWER, None, 0, GREEN),
            ("6", "7", LOWER, None, 0, GREEN),
            ("7.4", "7", LOWER, None, 0, GREEN),
            ("7.5", "7", LOWER, None, 0, RED),
            ("7.04", "7", LOWER, None, 1, GREEN),
            ("7.05", "7", LOWER, None, 1, RED),
            ("8", "7", LOWER, "1", 0, AMBER),
            ("8.4", "7", LOWER, "1", 0, AMBER),
            ("8.5", "7", LOWER, "1", 0, RED),
            ("8.1", "7", LOWER, "1", 1, RED),
            # Care leavers in EET: higher is better, 52% against a target of 55%.
            ("52", "55", HIGHER, None, 0, RED),
            ("55", "55", HIGHER, None, 0, GREEN),
            ("58", "55", HIGHER, None, 0, GREEN),
            ("54.5", "55", HIGHER, None, 0, GREEN),
            ("54.4", "55", HIGHER, None, 0, RED),
            ("54", "55", HIGHER, "1", 0, AMBER),
            ("53", "55", HIGHER, "2", 0, AMBER),
            ("53", "55", HIGHER, "1", 0, RED),
            ("54.0", "55", HIGHER, "1", 1, AMBER),
            ("53.9", "55", HIGHER, "1", 1, RED),
            # Assessments completed in 45 days: the 99% projection already beats the 95% target.
            ("99", "95", HIGHER, None, 0, GREEN),
        ],
    )
    def test_status_follows_polarity_rounding_and_tolerance(
        self, value: str, target: str, polarity: Polarity, tolerance: str | None, places: int, status: RatingStatus
    ) -> None:
        assert percent_rating(value, target, polarity, tolerance, places).status is status
        # The challenge's lean judgement (no sentence) agrees with the rating a pack words.
        lean = numeric_status(
            Decimal(value),
            Decimal(target),
            polarity=polarity,
            amber_tolerance=_tolerance(tolerance),
            unit=Unit.percent,
            decimal_places=places,
        )
        assert lean is status

    @pytest.mark.parametrize(
        ("status", "value", "tolerance", "word", "symbol"),
        [
            (GREEN, "7", None, "On target", "✔"),
            (AMBER, "8", "1", "Near target", "●"),
            (RED, "9", None, "Off target", "✖"),
        ],
    )
    def test_every_status_has_a_word_and_a_symbol_that_need_no_colour(
        self, status: RatingStatus, value: str, tolerance: str | None, word: str, symbol: str
    ) -> None:
        rating = percent_rating(value, "7", LOWER, tolerance)
        assert (rating.status, rating.word, rating.symbol) == (status, word, symbol)

    def test_figure_that_rounds_to_target_is_green(self) -> None:
        rating = percent_rating("7.4", "7", LOWER)
        assert rating.status is GREEN
        assert rating.reason == "7% against a target of 7% (lower is better): on target."

    def test_figure_that_rounds_past_target_is_red(self) -> None:
        rating = percent_rating("7.5", "7", LOWER)
        assert rating.status is RED
        assert rating.reason == "8% against a target of 7% (lower is better): 1 point worse than target."

    @pytest.mark.parametrize(
        ("value", "target", "polarity", "reason"),
        [
            ("9", "7", LOWER, "9% against a target of 7% (lower is better): 2 points worse than target."),
            ("52", "55", HIGHER, "52% against a target of 55% (higher is better): 3 points worse than target."),
            ("99", "95", HIGHER, "99% against a target of 95% (higher is better): 4 points better than target."),
            ("6", "7", LOWER, "6% against a target of 7% (lower is better): 1 point better than target."),
        ],
    )
    def test_reason_gives_figure_target_better_way_and_gap_in_points(
        self, value: str, target: str, polarity: Polarity, reason: str
    ) -> None:
        assert percent_rating(value, target, polarity).reason == reason

    def test_gap_exactly_equal_to_tolerance_is_amber_and_says_so(self) -> None:
        rating = percent_rating("8", "7", LOWER, "1")
        assert rating.status is AMBER
        assert rating.reason == (
            "8% against a target of 7% (lower is better): 1 point worse than target, within the tolerance of 1 point."
        )

    def test_gap_beyond_tolerance_is_red_and_says_so(self) -> None:
        rating = percent_rating("10", "7", LOWER, "1")
        assert rating.status is RED
        assert rating.reason.endswith("3 points worse than target, more than the tolerance of 1 point.")

    def test_without_a_tolerance_any_shortfall_is_red_and_tolerance_is_not_mentioned(self) -> None:
        rating = percent_rating("54", "55", HIGHER)
        assert rating.status is RED
        assert "tolerance" not in rating.reason

    def test_zero_tolerance_allows_no_amber(self) -> None:
        assert percent_rating("55", "55", HIGHER, "0").status is GREEN
        assert percent_rating("54.9", "55", HIGHER, "0", places=1).status is RED

    def test_tolerance_is_not_mentioned_when_on_target(self) -> None:
        assert "tolerance" not in percent_rating("6", "7", LOWER, "1").reason

    def test_target_more_precise_than_the_figure_is_shown_in_full(self) -> None:
        rating = percent_rating("7.4", "7.5", LOWER)
        assert rating.status is GREEN
        assert rating.reason == "7% against a target of 7.5% (lower is better): 0.5 points better than target."

    @pytest.mark.parametrize(
        ("unit", "value", "target", "tolerance", "places", "reason"),
        [
            (
                Unit.days,
                "640",
                "600",
                "30",
                0,
                "640 days against a target of 600 days (lower is better): 40 days worse than target, "
                "more than the tolerance of 30 days.",
            ),
            (
                Unit.days,
                "601",
                "600",
                "30",
                0,
                "601 days against a target of 600 days (lower is better): 1 day worse than target, "
                "within the tolerance of 30 days.",
            ),
            (Unit.count, "395", "380", None, 0, "395 against a target of 380 (lower is better): 15 worse than target."),
            (
                Unit.rate,
                "45.2",
                "40",
                None,
                1,
                "45.2 against a target of 40.0 (lower is better): 5.2 worse than target.",
            ),
            (
                Unit.currency,
                "80000000",
                "75000000",
                None,
                0,
                "£800,000 against a target of £750,000 (lower is better): £50,000 worse than target.",
            ),
        ],
    )
    def test_gap_is_given_in_the_units_own_terms(
        self, unit: Unit, value: str, target: str, tolerance: str | None, places: int, reason: str
    ) -> None:
        rating = rate_numeric(
            Decimal(value),
            Decimal(target),
            polarity=LOWER,
            amber_tolerance=_tolerance(tolerance),
            unit=unit,
            decimal_places=places,
        )
        assert rating.reason == reason

    def test_kpi_without_polarity_cannot_be_judged_against_a_target(self) -> None:
        rating = rate_numeric(
            Decimal(395), Decimal(380), polarity=NO_POLARITY, amber_tolerance=None, unit=Unit.count, decimal_places=0
        )
        assert (rating.status, rating.word, rating.symbol) == (NOT_RATED, "Not rated", "–")
        assert rating.reason == "395 against a target of 380: the KPI has no polarity, so a target cannot be judged."

    def test_negative_tolerance_is_refused(self) -> None:
        with pytest.raises(ValueError, match="cannot be negative"):
            percent_rating("8", "7", LOWER, "-1")


class TestRateMonitor:
    def test_monitor_target_is_not_rated_and_points_to_the_direction_of_travel(self) -> None:
        # Adoption: 611 days from entering care to moving in with the adoptive family, monitored without a target.
        assert rate_monitor() == Rating(
            status=NOT_RATED,
            word="Monitor only",
            symbol="–",
            reason="Monitored, not targeted: see the direction of travel.",
        )


class TestRateRelativeToNational:
    @pytest.mark.parametrize(
        ("local", "england", "polarity", "tolerance", "status"),
        [
            (("59", "62"), ("69", "70"), HIGHER, None, GREEN),  # improved faster than England
            (("59", "60"), ("69", "70"), HIGHER, None, GREEN),  # in line with England
            (("59", "60"), ("69", "72"), HIGHER, None, RED),
            (("59", "61"), ("69", "72"), HIGHER, "1", AMBER),  # shortfall exactly the tolerance
            (("59", "60"), ("69", "72"), HIGHER, "1", RED),  # shortfall just over it
            (("59", "59"), ("69", "70"), HIGHER, "1", AMBER),
            (("59", "58"), ("69", "70"), HIGHER, None, RED),
            (("59", "58"), ("69", "67"), HIGHER, None, AMBER),  # fell by less than England: still not improving
            (("59", "59"), ("69", "69"), HIGHER, None, GREEN),
            (("9", "7"), ("8", "7"), LOWER, None, GREEN),  # a fall is the improvement
            (("9", "8"), ("8", "7"), LOWER, None, GREEN),
            (("9", "9"), ("8", "7"), LOWER, None, RED),
            (("9", "9"), ("8", "7"), LOWER, "1", AMBER),
            (("9", "10"), ("8", "7"), LOWER, "1", RED),
            (("9", "10"), ("8", "9"), LOWER, None, AMBER),
        ],
    )
    def test_status_compares_local_improvement_with_englands(
        self,
        local: tuple[str, str],
        england: tuple[str, str],
        polarity: Polarity,
        tolerance: str | None,
        status: RatingStatus,
    ) -> None:
        assert eyfs_rating(local, england, polarity, tolerance).status is status

    def test_improving_faster_than_england_states_both_changes(self) -> None:
        rating = eyfs_rating(("59", "62"), ("69", "70"))
        assert (rating.status, rating.word, rating.symbol) == (GREEN, "On target", "✔")
        assert rating.reason == "Improved 3 points (59% to 62%) from AY2015-16 to AY2016-17; England improved 1 point."

    def test_falling_behind_england_says_by_how_much(self) -> None:
        rating = eyfs_rating(("59", "60"), ("69", "72"))
        assert (rating.status, rating.word, rating.symbol) == (RED, "Off target", "✖")
        assert rating.reason == (
            "Improved 1 point (59% to 60%) from AY2015-16 to AY2016-17; England improved 3 points. "
            "2 points behind England."
        )

    def test_shortfall_within_tolerance_is_amber_and_says_so(self) -> None:
        rating = eyfs_rating(("59", "61"), ("69", "72"), tolerance="1")
        assert (rating.status, rating.word, rating.symbol) == (AMBER, "Near target", "●")
        assert rating.reason.endswith(
            "England improved 3 points. 1 point behind England, within the tolerance of 1 point."
        )

    def test_shortfall_beyond_tolerance_says_so(self) -> None:
        rating = eyfs_rating(("59", "60"), ("69", "72"), tolerance="1")
        assert rating.reason.endswith("2 points behind England, more than the tolerance of 1 point.")

    def test_getting_worse_is_never_on_target_even_when_england_got_worse_by_more(self) -> None:
        rating = rate_relative_to_national(
            local_now=Decimal(58),
            local_before=Decimal(59),
            national_now=Decimal(67),
            national_before=Decimal(69),
            polarity=HIGHER,
            amber_tolerance=None,
            unit=Unit.percent,
            decimal_places=0,
            period="AY2016-17",
            earlier_period="AY2015-16",
        )
        assert (rating.status, rating.word) == (AMBER, "Near target")
        assert rating.reason.endswith("Worse than AY2015-16, though by less than England: the target is to improve.")

    def test_worsening_and_no_change_are_stated_plainly(self) -> None:
        assert eyfs_rating(("59", "58"), ("69", "69")).reason == (
            "Worsened 1 point (59% to 58%) from AY2015-16 to AY2016-17; England unchanged. 1 point behind England."
        )
        assert eyfs_rating(("59", "59"), ("69", "67")).reason == (
            "Unchanged at 59% from AY2015-16 to AY2016-17; England worsened 2 points."
        )

    def test_lower_is_better_counts_a_fall_as_improvement(self) -> None:
        rating = eyfs_rating(("9", "7"), ("8", "7"), LOWER)
        assert rating.status is GREEN
        assert rating.reason == "Improved 2 points (9% to 7%) from AY2015-16 to AY2016-17; England improved 1 point."

    def test_changes_are_taken_between_figures_as_shown(self) -> None:
        # Locally 59.5 to 60.4 shows as 60% to 60%: no improvement, even though England's 69.4 to 70.4 shows as one.
        rating = eyfs_rating(("59.5", "60.4"), ("69.4", "70.4"))
        assert rating.status is RED
        assert rating.reason.startswith("Unchanged at 60%")
        assert rating.reason.endswith("England improved 1 point. 1 point behind England.")

    @pytest.mark.parametrize(
        ("local", "england", "reason"),
        [
            ((None, "62"), ("69", "70"), "No figure for AY2015-16 to compare with."),
            (("59", None), ("69", "70"), "No figure for AY2016-17."),
            (("59", "62"), (None, "70"), "No England figure for AY2015-16 to compare with."),
            (("59", "62"), ("69", None), "No England figure for AY2016-17."),
            (
                (None, None),
                (None, None),
                "No figure for AY2016-17. No figure for AY2015-16 to compare with. "
                "No England figure for AY2016-17. No England figure for AY2015-16 to compare with.",
            ),
        ],
    )
    def test_missing_figure_is_not_rated_and_named(
        self, local: tuple[str | None, str | None], england: tuple[str | None, str | None], reason: str
    ) -> None:
        rating = eyfs_rating(local, england)
        assert (rating.status, rating.word, rating.symbol, rating.reason) == (NOT_RATED, "Not rated", "–", reason)

    def test_kpi_without_polarity_cannot_be_judged(self) -> None:
        rating = eyfs_rating(("59", "62"), ("69", "70"), NO_POLARITY)
        assert (rating.status, rating.word, rating.symbol) == (NOT_RATED, "Not rated", "–")
        assert rating.reason == "The KPI has no polarity, so improvement cannot be judged."


class TestDirectionOfTravel:
    @pytest.mark.parametrize(
        ("current", "earlier", "polarity", "places", "direction", "word", "symbol"),
        [
            ("7", "9", LOWER, 0, Direction.improving, "Improving", "▼"),  # NEET falling
            ("10", "9", LOWER, 0, Direction.worsening, "Worsening", "▲"),
            ("55", "52", HIGHER, 0, Direction.improving, "Improving", "▲"),  # care leavers in EET rising
            ("50", "52", HIGHER, 0, Direction.worsening, "Worsening", "▼"),
            ("9", "9", LOWER, 0, Direction.stable, "Stable", "◆"),
            ("9.4", "9", LOWER, 0, Direction.stable, "Stable", "◆"),
            ("9.5", "9", LOWER, 0, Direction.worsening, "Worsening", "▲"),
            ("9.04", "9", LOWER, 1, Direction.stable, "Stable", "◆"),
            ("9.05", "9", LOWER, 1, Direction.worsening, "Worsening", "▲"),
            ("395", "380", NO_POLARITY, 0, Direction.not_comparable, "Changed", "▲"),
            ("380", "395", NO_POLARITY, 0, Direction.not_comparable, "Changed", "▼"),
            ("380", "380", NO_POLARITY, 0, Direction.stable, "Stable", "◆"),
            ("9", None, LOWER, 0, Direction.not_comparable, "No comparison", "–"),
        ],
    )
    def test_word_says_better_or_worse_while_symbol_shows_the_movement(
        self,
        current: str,
        earlier: str | None,
        polarity: Polarity,
        places: int,
        direction: Direction,
        word: str,
        symbol: str,
    ) -> None:
        result = travel(current, earlier, polarity, places=places)
        assert (result.direction, result.word, result.symbol) == (direction, word, symbol)
        lean = travel_direction(
            Decimal(current),
            None if earlier is None else Decimal(earlier),
            polarity=polarity,
            decimal_places=places,
            unit=Unit.percent,
        )
        assert lean is direction

    @pytest.mark.parametrize(
        ("current", "earlier", "polarity", "unit", "reason"),
        [
            ("7", "9", LOWER, Unit.percent, "Fell from 9% to 7% since FY2015-16; lower is better."),
            ("55", "52", HIGHER, Unit.percent, "Rose from 52% to 55% since FY2015-16; higher is better."),
            ("580", "611", LOWER, Unit.days, "Fell from 611 days to 580 days since FY2015-16; lower is better."),
            ("9", "9", LOWER, Unit.percent, "Unchanged at 9% since FY2015-16."),
            ("395", "380", NO_POLARITY, Unit.count, "Rose from 380 to 395 since FY2015-16; no direction is better."),
        ],
    )
    def test_reason_gives_both_figures_and_which_way_is_better(
        self, current: str, earlier: str, polarity: Polarity, unit: Unit, reason: str
    ) -> None:
        assert travel(current, earlier, polarity, unit).reason == reason

    def test_missing_earlier_figure_names_the_period(self) -> None:
        result = travel("9", None, LOWER)
        assert (result.against, result.change) == ("FY2015-16", None)
        assert result.reason == "No figure for FY2015-16 to compare with."

    def test_missing_earlier_figure_without_a_period(self) -> None:
        result = travel("9", None, LOWER, against=None)
        assert (result.direction, result.against, result.reason) == (
            Direction.not_comparable,
            None,
            "No earlier figure.",
        )

    def test_reason_without_a_period_leaves_out_since(self) -> None:
        assert travel("7", "9", LOWER, against=None).reason == "Fell from 9% to 7%; lower is better."
        assert travel("9", "9", LOWER, against=None).reason == "Unchanged at 9%."

    @pytest.mark.parametrize(
        ("current", "earlier", "polarity", "change"),
        [
            ("7", "9", LOWER, "-2"),
            ("10", "9", LOWER, "1"),
            ("55", "52", HIGHER, "3"),
            ("7.4", "9.6", LOWER, "-3"),  # shown as 7% and 10%
            ("9.4", "9", LOWER, "0"),
            ("380", "395", NO_POLARITY, "-15"),
        ],
    )
    def test_change_is_the_signed_difference_between_figures_as_shown(
        self, current: str, earlier: str, polarity: Polarity, change: str
    ) -> None:
        result = travel(current, earlier, polarity)
        assert result.change == Decimal(change)
        assert result.against == "FY2015-16"

    def test_currency_change_is_in_pence(self) -> None:
        result = travel("80000000", "75000000", LOWER, Unit.currency)
        assert (result.direction, result.change) == (Direction.worsening, Decimal(5000000))
        assert result.reason == "Rose from £750,000 to £800,000 since FY2015-16; lower is better."
