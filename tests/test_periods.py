from datetime import date

import pytest

from api.periods import InvalidPeriod, Period, PeriodType, normalise_period, parse_period, year_type_for


class TestParsing:
    @pytest.mark.parametrize(
        ("text", "code", "period_type"),
        [
            ("2016-07", "2016-07", PeriodType.month),
            ("FY2016-17-Q1", "FY2016-17-Q1", PeriodType.financial_quarter),
            ("fy2016-17-q4", "FY2016-17-Q4", PeriodType.financial_quarter),
            ("FY2016-17", "FY2016-17", PeriodType.financial_year),
            ("FY2016/17", "FY2016-17", PeriodType.financial_year),
            ("AY2015-16", "AY2015-16", PeriodType.academic_year),
            ("CY2016", "CY2016", PeriodType.calendar_year),
            (" 2016/17 ", "FY2016-17", PeriodType.financial_year),
            ("2016/2017", "FY2016-17", PeriodType.financial_year),
            ("FY1999-00", "FY1999-00", PeriodType.financial_year),
        ],
    )
    def test_accepted_forms_normalise_to_codes(self, text: str, code: str, period_type: PeriodType) -> None:
        period = parse_period(text)
        assert period.code == code
        assert period.type is period_type

    def test_bare_split_year_takes_the_callers_kind_of_year(self) -> None:
        assert normalise_period("2015/16", year_type=PeriodType.academic_year) == "AY2015-16"
        assert normalise_period("2015/16", year_type=PeriodType.financial_year) == "FY2015-16"

    @pytest.mark.parametrize(
        "text",
        [
            "",
            "2016",
            "2016-13",
            "2016-00",
            "FY2016-18",
            "2016/18",
            "AY2016-17-Q1",
            "Q1 2016",
            "FY16-17",
            "x",
            "2016-17",
            "2016-2017",
        ],
    )
    def test_invalid_codes_name_the_accepted_forms(self, text: str) -> None:
        with pytest.raises(InvalidPeriod) as raised:
            parse_period(text)
        message = str(raised.value)
        assert f"'{text}' is not a period code" in message
        for form in ("2016-07", "FY2016-17-Q1", "FY2016-17", "AY2015-16", "CY2016", "2016/17"):
            assert form in message

    def test_codes_round_trip(self) -> None:
        for code in ("2016-02", "FY2016-17-Q3", "FY2016-17", "AY2015-16", "CY2016"):
            assert parse_period(code).code == code


class TestBoundaries:
    @pytest.mark.parametrize(
        ("code", "start", "end"),
        [
            ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
            ("2017-02", date(2017, 2, 1), date(2017, 2, 28)),
            ("2016-12", date(2016, 12, 1), date(2016, 12, 31)),
            ("FY2016-17-Q1", date(2016, 4, 1), date(2016, 6, 30)),
            ("FY2016-17-Q3", date(2016, 10, 1), date(2016, 12, 31)),
            ("FY2016-17-Q4", date(2017, 1, 1), date(2017, 3, 31)),
            ("FY2016-17", date(2016, 4, 1), date(2017, 3, 31)),
            ("AY2015-16", date(2015, 9, 1), date(2016, 8, 31)),
            ("CY2016", date(2016, 1, 1), date(2016, 12, 31)),
        ],
    )
    def test_start_and_end_dates(self, code: str, start: date, end: date) -> None:
        period = parse_period(code)
        assert (period.start, period.end) == (start, end)

    @pytest.mark.parametrize(
        ("day", "period_type", "code"),
        [
            (date(2016, 3, 31), PeriodType.financial_year, "FY2015-16"),
            (date(2016, 4, 1), PeriodType.financial_year, "FY2016-17"),
            (date(2016, 8, 31), PeriodType.academic_year, "AY2015-16"),
            (date(2016, 9, 1), PeriodType.academic_year, "AY2016-17"),
            (date(2017, 3, 31), PeriodType.financial_quarter, "FY2016-17-Q4"),
            (date(2016, 4, 1), PeriodType.financial_quarter, "FY2016-17-Q1"),
            (date(2016, 12, 31), PeriodType.calendar_year, "CY2016"),
            (date(2016, 7, 15), PeriodType.month, "2016-07"),
        ],
    )
    def test_period_containing_a_day(self, day: date, period_type: PeriodType, code: str) -> None:
        assert Period.containing(day, period_type).code == code


class TestArithmetic:
    def test_containment(self) -> None:
        year = parse_period("FY2016-17")
        assert year.contains(parse_period("FY2016-17-Q4"))
        assert year.contains(parse_period("2017-03"))
        assert not year.contains(parse_period("2016-03"))
        assert year.contains(date(2016, 4, 1))
        assert year.contains(date(2017, 3, 31))
        assert not year.contains(date(2017, 4, 1))
        assert not year.contains(parse_period("AY2016-17")), "Sep-Aug is not inside Apr-Mar"

    @pytest.mark.parametrize(
        ("code", "previous", "last_year"),
        [
            ("2016-01", "2015-12", "2015-01"),
            ("2016-07", "2016-06", "2015-07"),
            ("FY2016-17-Q1", "FY2015-16-Q4", "FY2015-16-Q1"),
            ("FY2016-17-Q2", "FY2016-17-Q1", "FY2015-16-Q2"),
            ("FY2016-17", "FY2015-16", "FY2015-16"),
            ("AY2015-16", "AY2014-15", "AY2014-15"),
            ("CY2016", "CY2015", "CY2015"),
        ],
    )
    def test_previous_and_same_period_last_year(self, code: str, previous: str, last_year: str) -> None:
        period = parse_period(code)
        assert period.previous().code == previous
        assert period.same_period_last_year().code == last_year
        assert period.previous().next() == period

    def test_periods_order_by_time_within_a_type(self) -> None:
        codes = ["FY2016-17-Q2", "FY2015-16-Q4", "FY2016-17-Q1"]
        assert [p.code for p in sorted(parse_period(c) for c in codes)] == [
            "FY2015-16-Q4",
            "FY2016-17-Q1",
            "FY2016-17-Q2",
        ]

    def test_labels_read_as_council_reports_write_them(self) -> None:
        assert parse_period("2016-07").label == "July 2016"
        assert parse_period("FY2016-17").label == "2016/17"
        assert parse_period("FY2016-17-Q1").label == "2016/17 Q1"
        assert parse_period("AY2015-16").label == "AY 2015/16"


@pytest.mark.parametrize(
    ("kind", "year"),
    [
        (PeriodType.academic_year, PeriodType.academic_year),
        (PeriodType.financial_year, PeriodType.financial_year),
        (PeriodType.month, PeriodType.financial_year),
        (PeriodType.calendar_year, PeriodType.financial_year),
    ],
)
def test_a_bare_year_is_read_as_the_kpis_kind_of_year(kind: PeriodType, year: PeriodType) -> None:
    assert year_type_for(kind) is year
    assert parse_period("2016/17", year_type=year_type_for(kind)).type is year
