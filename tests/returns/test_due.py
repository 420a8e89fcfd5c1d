"""The due-date and status rules: pure functions, so no database. Each expected date is worked out by hand."""

from datetime import UTC, date, datetime

import pytest

from api.periods import parse_period
from api.returns.due import DueBasis, ReturnStatus, days_late, due_date, is_working_day, london_day, status_of

WORKING, CALENDAR = DueBasis.working_days, DueBasis.calendar_days


class TestWorkingDays:
    @pytest.mark.parametrize(
        ("day", "working"),
        [
            (date(2017, 4, 14), False),  # Good Friday
            (date(2017, 4, 17), False),  # Easter Monday
            (date(2016, 12, 26), False),  # Boxing Day
            (date(2016, 12, 27), False),  # substitute day for Christmas Day, a Sunday
            (date(2017, 1, 2), False),  # substitute day for New Year's Day, a Sunday
            (date(2016, 8, 29), False),  # Late Summer bank holiday (England's, not Scotland's)
            (date(2016, 8, 1), True),  # Scotland's summer bank holiday is not England's
            (date(2017, 3, 17), True),  # St Patrick's Day is Northern Ireland's only
            (date(2017, 4, 15), False),  # a Saturday
            (date(2017, 4, 18), True),  # the Tuesday after Easter
        ],
    )
    def test_weekends_and_englands_bank_holidays_are_not_working_days(self, day: date, working: bool) -> None:
        assert is_working_day(day) is working


class TestDueDate:
    def test_year_end_quarter_skips_easter(self) -> None:
        # FY2016-17 Q4 ends Friday 31 March 2017. Working days after it: 3-7 April (1-5), 10-13 April (6-9),
        # Good Friday 14 and Easter Monday 17 April skipped, Tuesday 18 April (10).
        end = parse_period("FY2016-17-Q4").end
        assert end == date(2017, 3, 31)
        assert due_date(end, WORKING, 10) == date(2017, 4, 18)

    def test_financial_year_return_is_due_on_the_same_day_as_its_last_quarter(self) -> None:
        assert due_date(parse_period("FY2016-17").end, WORKING, 10) == date(2017, 4, 18)

    def test_december_return_skips_the_new_year_substitute_day(self) -> None:
        # December 2016 ends Saturday 31 December. Monday 2 January 2017 is the substitute day for New Year's Day
        # (a Sunday), so the first working day is Tuesday 3 January (1); 4-6 January (2-4); 9-13 January (5-9);
        # Monday 16 January (10). The year changes as it is counted.
        assert due_date(parse_period("2016-12").end, WORKING, 10) == date(2017, 1, 16)

    def test_a_count_through_christmas_skips_boxing_day_and_the_substitute_day(self) -> None:
        # November 2016 ends Wednesday 30 November. Twenty working days: 1-2 December (1-2), 5-9 (3-7), 12-16
        # (8-12), 19-23 (13-17); Boxing Day Monday 26 and Tuesday 27 December (Christmas Day, a Sunday, observed)
        # skipped; 28, 29, 30 December (18-20).
        assert due_date(parse_period("2016-11").end, WORKING, 20) == date(2016, 12, 30)

    def test_a_quarter_ending_in_december_crosses_the_year_end(self) -> None:
        # FY2016-17 Q3 ends Saturday 31 December 2016: as December 2016, 16 January 2017.
        assert due_date(parse_period("FY2016-17-Q3").end, WORKING, 10) == date(2017, 1, 16)

    def test_a_count_starting_on_a_weekend_begins_on_monday(self) -> None:
        # September 2016 ends Friday 30 September: Monday 3 October is the first working day after it.
        assert due_date(date(2016, 9, 30), WORKING, 1) == date(2016, 10, 3)

    def test_calendar_days_count_every_day(self) -> None:
        # 31 March 2017 + 10 days: 10 April 2017, a Monday; Easter is not skipped (and not reached).
        assert due_date(date(2017, 3, 31), CALENDAR, 10) == date(2017, 4, 10)
        # 31 December 2016 + 2 days crosses the year: 2 January 2017, a bank holiday, even so.
        assert due_date(date(2016, 12, 31), CALENDAR, 2) == date(2017, 1, 2)

    @pytest.mark.parametrize("basis", list(DueBasis))
    def test_zero_days_is_the_periods_last_day(self, basis: DueBasis) -> None:
        assert due_date(date(2016, 12, 31), basis, 0) == date(2016, 12, 31)  # a Saturday, even so


class TestStatus:
    DUE = date(2017, 4, 18)

    def test_received_on_the_due_date_is_received(self) -> None:
        assert status_of(self.DUE, date(2017, 4, 18), date(2017, 5, 1)) is ReturnStatus.received
        assert days_late(ReturnStatus.received, self.DUE, date(2017, 4, 18), date(2017, 5, 1)) is None

    def test_received_the_day_after_is_late_by_one_day(self) -> None:
        assert status_of(self.DUE, date(2017, 4, 19), date(2017, 5, 1)) is ReturnStatus.late
        assert days_late(ReturnStatus.late, self.DUE, date(2017, 4, 19), date(2017, 5, 1)) == 1

    def test_nothing_by_the_due_date_is_due_on_it_and_missing_the_day_after(self) -> None:
        assert status_of(self.DUE, None, self.DUE) is ReturnStatus.due
        assert status_of(self.DUE, None, date(2017, 4, 19)) is ReturnStatus.missing
        assert days_late(ReturnStatus.missing, self.DUE, None, date(2017, 4, 28)) == 10

    def test_a_return_received_after_the_as_at_date_is_judged_as_not_yet_received(self) -> None:
        # As at 25 April it was missing; as at 1 May it was late.
        assert status_of(self.DUE, date(2017, 4, 28), date(2017, 4, 25)) is ReturnStatus.missing
        assert status_of(self.DUE, date(2017, 4, 28), date(2017, 5, 1)) is ReturnStatus.late

    def test_the_day_received_is_englands(self) -> None:
        # 23:30 UTC on 18 April 2017 is 00:30 on 19 April in British Summer Time: a day late.
        assert london_day(datetime(2017, 4, 18, 23, 30, tzinfo=UTC)) == date(2017, 4, 19)
        # In winter London is on UTC: 23:30 UTC on 16 January 2017 is still the 16th.
        assert london_day(datetime(2017, 1, 16, 23, 30, tzinfo=UTC)) == date(2017, 1, 16)
