"""Mappings and the rules that read an EES tidy-data file through one (api/benchmarks/mapping.py, tidy.py): pure
functions, checked on small files shaped as DfE's are (no database)."""

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from api.benchmarks.mapping import Filter, Mapping, inline, shipped
from api.benchmarks.tidy import MappedFigure, read, unmatched
from api.csv_input import read_csv
from api.errors import InvalidInput
from api.kpis.models import GeographyLevel, StatusSymbol

HEADER = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
HEADER += "old_la_code,new_la_code,la_name,age,breakdown,count,percent"
ENGLAND = "2025,Reporting year,National,E92000001,England,,,,,"
NORTH_EAST = "2025,Reporting year,Regional,E92000001,England,E12000001,North East,,,"
STOCKTON = "2025,Reporting year,Local authority,E92000001,England,E12000001,North East,808,E06000004,Stockton-on-Tees"
SUMMED: dict[str, Any] = {
    "kpi": "care-leavers-in-eet-16-21",
    "filters": [{"column": "breakdown", "value": "In EET"}],
    "numerator": "count",
    "denominator_row": {"filters": [{"column": "breakdown", "value": "Total"}], "column": "count"},
    "sum_over": "age",
}


def file(*rows: str) -> Any:
    return read_csv("\n".join([HEADER, *rows]) + "\n", max_records=1000)


def figures(mapping: dict[str, Any], *rows: str) -> list[MappedFigure]:
    reading = read(file(*rows), Mapping.model_validate(mapping))
    assert reading.problems == []
    return reading.figures


class TestMapping:
    @pytest.mark.parametrize(
        ("fields", "words"),
        [
            ({}, "give a value column, or numerator and denominator columns"),
            ({"value": "percent", "numerator": "count"}, "a numerator needs a denominator"),
            ({"value": "percent", "denominator": "count"}, "a denominator needs a numerator"),
            (
                {
                    "numerator": "n",
                    "denominator": "d",
                    "denominator_row": {"filters": [{"column": "b", "value": "Total"}], "column": "d"},
                },
                "give the denominator as a column or as a row, not both",
            ),
            ({"value": "count", "sum_values": ["a"]}, "sum_values needs sum_over"),
            (
                {"value": "count", "sum_over": "age", "filters": [{"column": "age", "value": "17"}]},
                "sum_over column 'age' is also a filter",
            ),
            ({"value": "percent", "numerator": "n", "denominator": "d", "sum_over": "age"}, "not value"),
            ({"value": "percent", "value_format": "percent", "sum_over": "age"}, "only counts"),
            ({"value": "percent", "value_format": "years:months"}, "value_format"),
            ({"value": "percent", "counts_rounded_to": 0}, "counts_rounded_to"),
            ({"value": "percent", "levels": []}, "levels"),
            ({"value": "percent", "surely_unknown": 1}, "surely_unknown"),
            ({"value": "per\x00cent"}, "NUL"),
        ],
    )
    def test_an_incoherent_mapping_is_refused_saying_why(self, fields: dict[str, Any], words: str) -> None:
        with pytest.raises(ValidationError, match=words):
            Mapping.model_validate({"kpi": "some-kpi"} | fields)

    def test_columns_are_read_in_lower_case_and_durations_become_days(self) -> None:
        mapping = Mapping.model_validate({"kpi": "k", "value": " Average_Time ", "value_format": "years_months"})
        assert (mapping.value, mapping.value_kind.value) == ("average_time", "years:months")
        assert (mapping.source, mapping.levels, mapping.counts_rounded_at) == (
            "DfE published",
            [GeographyLevel.country, GeographyLevel.region, GeographyLevel.local_authority],
            [GeographyLevel.country, GeographyLevel.region],
        )

    def test_an_inline_mapping_that_is_not_valid_names_each_field(self) -> None:
        with pytest.raises(InvalidInput) as refused:
            inline('{"kpi": "Not A Code", "value": "percent", "title": 7}')
        assert [error.loc for error in refused.value.errors or []] == [
            ["body", "mapping", "kpi"],
            ["body", "mapping", "title"],
        ]
        with pytest.raises(InvalidInput, match="mapping: Invalid JSON"):
            inline("{'kpi': 'python'}")

    def test_every_shipped_mapping_is_valid(self) -> None:
        assert set(shipped()) == {
            "cpp-second-or-subsequent",
            "placement-stability-same-carer-2-years",
            "care-leavers-in-eet-17-21",
        }


class TestReading:
    def test_a_value_with_its_counts_at_every_level(self) -> None:
        mapping: dict[str, Any] = {"kpi": "k", "value": "percent", "value_format": "percent", "numerator": "count"}
        mapping |= {
            "filters": [{"column": "breakdown", "value": "Same"}],
            "denominator_row": {"filters": [{"column": "breakdown", "value": "Total"}], "column": "count"},
        }
        found = figures(
            mapping,
            *(
                f"{place},all,{what}"
                for place in (ENGLAND, NORTH_EAST, STOCKTON)
                for what in ("Same,69,24.5", "Total,282,100")
            ),
        )
        assert [(f.place.level, f.place.gss_code, f.value, f.numerator, f.denominator) for f in found] == [
            (GeographyLevel.country, "E92000001", Decimal("24.5"), Decimal(69), Decimal(282)),
            (GeographyLevel.region, "E12000001", Decimal("24.5"), Decimal(69), Decimal(282)),
            (GeographyLevel.local_authority, "E06000004", Decimal("24.5"), Decimal(69), Decimal(282)),
        ]
        assert (found[2].place.old_la_code, found[2].place.region_code, found[2].period) == (
            "808",
            "E12000001",
            "FY2024-25",
        )

    def test_rows_summed_over_a_column_keep_their_summed_counts(self) -> None:
        rows = [f"{STOCKTON},{age},{what}" for age, what in (("17-18", "In EET,43,49"), ("17-18", "Total,87,100"))]
        rows += [f"{STOCKTON},{age},{what}" for age, what in (("19-21", "In EET,91,49"), ("19-21", "Total,187,100"))]
        [figure] = figures(SUMMED, *rows)
        assert (figure.value, figure.numerator, figure.denominator, figure.line) == (
            None,
            Decimal(134),
            Decimal(274),
            2,
        )

    @pytest.mark.parametrize(
        ("young", "old", "status"),
        [
            ("c", "91", StatusSymbol.confidential),  # a suppressed part: the sum cannot be known
            ("z", "c", StatusSymbol.confidential),  # confidential before not applicable
            ("z", "z", StatusSymbol.not_applicable),
            ("0", "0", StatusSymbol.not_applicable),  # nobody counted
        ],
    )
    def test_a_sum_with_a_withheld_part_is_withheld(self, young: str, old: str, status: StatusSymbol) -> None:
        totals = {"0": "0"}.get(young, "87"), {"0": "0"}.get(old, "187")
        rows = [f"{STOCKTON},17-18,In EET,{young},x", f"{STOCKTON},17-18,Total,{totals[0]},x"]
        rows += [f"{STOCKTON},19-21,In EET,{old},x", f"{STOCKTON},19-21,Total,{totals[1]},x"]
        [figure] = figures(SUMMED, *rows)
        assert (figure.status_symbol, figure.value, figure.numerator) == (status, None, None)

    def test_a_published_value_stands_without_counts_that_are_withheld(self) -> None:
        mapping: dict[str, Any] = {"kpi": "k", "value": "percent", "value_format": "percent", "numerator": "count"}
        mapping |= {
            "filters": [{"column": "breakdown", "value": "Same"}],
            "denominator_row": {"filters": [{"column": "breakdown", "value": "Total"}], "column": "count"},
        }
        [figure] = figures(mapping, f"{STOCKTON},all,Same,c,24.5", f"{STOCKTON},all,Total,c,100")
        assert (figure.value, figure.numerator, figure.denominator, figure.status_symbol) == (
            Decimal("24.5"),
            None,
            None,
            None,
        )
        [withheld] = figures(mapping, f"{STOCKTON},all,Same,69,u", f"{STOCKTON},all,Total,282,100")
        assert (withheld.status_symbol, withheld.numerator) == (StatusSymbol.low_reliability, None)

    def test_only_the_levels_the_mapping_imports_and_never_other_geographies(self) -> None:
        district = "2025,Reporting year,Local authority district,E92000001,England,,,,E07000026,Allerdale"
        mapping = {"kpi": "k", "value": "count", "levels": ["local_authority"]}
        found = figures(mapping, f"{ENGLAND},all,Total,10,x", f"{STOCKTON},all,Total,3,x", f"{district},all,Total,2,x")
        assert [figure.place.name for figure in found] == ["Stockton-on-Tees"]

    def test_two_rows_for_one_period_and_place_name_both_lines_and_how_they_differ(self) -> None:
        reading = read(
            file(f"{STOCKTON},17-18,Total,87,100", f"{STOCKTON},19-21,Total,187,100"), Mapping(kpi="k", value="count")
        )
        [problem] = reading.problems
        assert (problem.line, problem.column) == (3, "row")
        assert problem.reason.startswith("a second row for the same period and place (the first is line 2)")
        assert "they differ in age, count: filter on the column" in problem.reason
        assert reading.figures == []

    def test_a_missing_denominator_row_and_an_unreadable_cell_name_their_lines(self) -> None:
        mapping = Mapping.model_validate(SUMMED | {"sum_over": None})
        mapping = mapping.model_copy(
            update={"filters": [Filter(column="breakdown", value="In EET"), Filter(column="age", value="17-18")]}
        )
        reading = read(file(f"{STOCKTON},17-18,In EET,4x,49", f"{ENGLAND},17-18,In EET,40,49"), mapping)
        assert [(p.line, p.column, p.reason) for p in reading.problems] == [
            (2, "denominator_row", "0 rows with breakdown 'Total', not 1"),
            (2, "count", "'4x' is not a number or a GSS symbol (c, x, z, k, low, u, :, .., ~)"),
            (3, "denominator_row", "0 rows with breakdown 'Total', not 1"),
        ]

    def test_a_place_without_a_gss_code_or_a_period_that_is_not_one_is_a_problem(self) -> None:
        no_code = STOCKTON.replace("E06000004", "")
        reading = read(
            file(f"{no_code},all,Total,3,x", "2025,Spring term" + ENGLAND[19:] + ",all,Total,3,x"),
            Mapping(kpi="k", value="count"),
        )
        assert [(p.line, p.column) for p in reading.problems] == [(2, "new_la_code"), (3, "time_period")]

    def test_a_file_without_a_column_the_mapping_names_is_refused_listing_the_files_columns(self) -> None:
        mapping = Mapping.model_validate(SUMMED | {"numerator": "care_leaver_count"})
        with pytest.raises(
            InvalidInput, match="no column 'care_leaver_count' \\(the numerator\\); its columns are: time_period"
        ):
            read(file(f"{STOCKTON},all,Total,3,x"), mapping)

    def test_why_nothing_matched(self) -> None:
        mapping = Mapping.model_validate(SUMMED | {"sum_values": ["16-17"], "levels": ["region"]})
        hint = unmatched(file(f"{STOCKTON},17-18,Total,3,x"), mapping)
        assert hint == (
            "its rows are at the levels Local authority; the mapping imports region; no row has breakdown 'In EET' "
            "(it has 'Total'); no row has age '16-17' (it has '17-18')"
        )
