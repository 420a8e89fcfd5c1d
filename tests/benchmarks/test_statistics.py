"""The benchmark's arithmetic as pure rules: mean, median, competition rank by polarity, quartile, and gap words."""

from decimal import Decimal

import pytest

from api.benchmarks.statistics import Judgement, gap, judge, mean, median, quartile, rank
from api.kpis.models import Polarity, Unit


def figures(*values: str) -> list[Decimal]:
    return [Decimal(value) for value in values]


class TestMeanAndMedian:
    def test_mean_of_the_figures_there_are(self) -> None:
        assert mean(figures("20", "24.6", "18.4")) == Decimal("21")
        assert mean(figures("7.5")) == Decimal("7.5")
        assert mean([]) is None

    def test_median_is_the_middle_figure_or_the_mean_of_the_middle_two(self) -> None:
        assert median(figures("24.6", "18.4", "20")) == Decimal("20")
        assert median(figures("24.6", "18.4", "20", "30")) == Decimal("22.3")
        assert median(figures("5")) == Decimal("5")
        assert median([]) is None


class TestRank:
    FIELD = figures("10", "12", "12", "15")

    def test_lower_is_better_ranks_the_lowest_first_and_ties_share_the_best_rank(self) -> None:
        assert [rank(figure, self.FIELD, Polarity.lower_better) for figure in self.FIELD] == [1, 2, 2, 4]

    def test_higher_is_better_ranks_the_highest_first(self) -> None:
        assert [rank(figure, self.FIELD, Polarity.higher_better) for figure in self.FIELD] == [4, 2, 2, 1]

    def test_a_kpi_without_polarity_has_no_rank(self) -> None:
        assert rank(Decimal("12"), self.FIELD, Polarity.none) is None

    def test_one_figure_alone_is_first(self) -> None:
        assert rank(Decimal("3"), figures("3"), Polarity.lower_better) == 1


class TestQuartile:
    def test_quartile_is_ceil_of_four_times_rank_over_count(self) -> None:
        bands = [quartile(position, 150) for position in range(1, 151)]
        assert [bands.count(band) for band in (1, 2, 3, 4)] == [37, 38, 37, 38]
        assert (bands[36], bands[37], bands[74], bands[75], bands[111], bands[112]) == (1, 2, 2, 3, 3, 4)

    def test_exact_quarters(self) -> None:
        assert [quartile(position, 8) for position in range(1, 9)] == [1, 1, 2, 2, 3, 3, 4, 4]
        assert [quartile(position, 4) for position in range(1, 5)] == [1, 2, 3, 4]

    def test_fewer_than_four_figures_make_no_quartiles(self) -> None:
        assert [quartile(1, 1), quartile(1, 2), quartile(2, 2), quartile(3, 3)] == [None] * 4

    def test_a_tie_takes_the_quartile_of_its_shared_rank(self) -> None:
        field = figures("10", "12", "12", "12", "12", "15", "16", "17")
        ranks = [rank(figure, field, Polarity.lower_better) for figure in field]
        assert ranks == [1, 2, 2, 2, 2, 6, 7, 8]
        assert [quartile(position or 0, len(field)) for position in ranks] == [1, 1, 1, 1, 1, 3, 4, 4]

    @pytest.mark.parametrize(("position", "count"), [(0, 4), (5, 4), (1, 0)])
    def test_a_rank_outside_the_field_is_an_error(self, position: int, count: int) -> None:
        with pytest.raises(ValueError, match="is not among"):
            quartile(position, count)


class TestGapToEngland:
    @pytest.mark.parametrize(
        ("subject", "england", "polarity", "unit", "places", "difference", "judgement", "words"),
        [
            ("24.6", "23.8", Polarity.lower_better, Unit.percent, 1, "0.8", Judgement.worse, "0.8 points worse"),
            ("71", "65", Polarity.higher_better, Unit.percent, 0, "6", Judgement.better, "6 points better"),
            ("20.04", "19.96", Polarity.lower_better, Unit.percent, 1, "0", Judgement.same, "the same as"),
            ("611", "590", Polarity.none, Unit.days, 0, "21", Judgement.not_judged, "21 days higher"),
            ("1484", "1500", Polarity.none, Unit.count, 0, "-16", Judgement.not_judged, "16 lower"),
        ],
        ids=["worse when lower is better", "better when higher is better", "alike as shown", "no polarity", "lower"],
    )
    def test_the_gap_in_words(
        self,
        subject: str,
        england: str,
        polarity: Polarity,
        unit: Unit,
        places: int,
        difference: str,
        judgement: Judgement,
        words: str,
    ) -> None:
        found = gap(
            Decimal(subject), Decimal(england), polarity=polarity, unit=unit, decimal_places=places, against="England"
        )
        assert (found.difference, found.judgement) == (Decimal(difference), judgement)
        assert found.words == (f"{words} England" if judgement is Judgement.same else f"{words} than England")

    def test_judgement_by_polarity(self) -> None:
        assert judge(Decimal("-0.1"), Polarity.lower_better) is Judgement.better
        assert judge(Decimal("-0.1"), Polarity.higher_better) is Judgement.worse
        assert judge(Decimal("0"), Polarity.higher_better) is Judgement.same
        assert judge(Decimal("-3"), Polarity.none) is Judgement.not_judged
