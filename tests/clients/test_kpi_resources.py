"""SDK round trips, sync, against a live worker: KPI definitions, targets, values, status and benchmark, the
scorecard, submissions (JSON and CSV), national indicators, comparator groups and DfE statistics imports."""

import pytest

from strategy_client import Client, PreconditionFailed, UnprocessableEntity, models
from tests.dfe import DFE_DIR

pytestmark = pytest.mark.usefixtures("loaded")
NEET = "neet-not-known-16-19"
REPEAT = "child-protection-plans-second-or-subsequent"
CPP_FILE = "d3_cpps_subsequent_plan_2013_to_2025.csv"


def _stockton_rows() -> str:
    header, *lines = (DFE_DIR / CPP_FILE).read_text(encoding="utf-8-sig").splitlines()
    return "\n".join([header, *(line for line in lines if ",Stockton-on-Tees," in line or ",National," in line)]) + "\n"


def test_a_kpi_defined_targeted_changed_and_archived(sdk: Client) -> None:
    kpi = sdk.kpis.create(
        code="ks2-rwm",
        title="KS2 reading, writing and maths",
        tier="service_indicator",
        unit="percent",
        polarity="higher_better",
        period_type="academic_year",
    )
    with pytest.raises(ValueError, match="AY2016-17"):
        sdk.kpis.targets.put(kpi, "2016/17", kind="numeric", value=65)
    targeted = sdk.kpis.targets.put(kpi, "AY2016-17", kind="numeric", value=65)  # the ETag of the KPI read
    assert [target.period for target in targeted.targets] == ["AY2016-17"]
    changed = sdk.kpis.update("ks2-rwm", description="Pupils at the expected standard")  # remembered ETag
    assert changed.description == "Pupils at the expected standard"
    assert sdk.kpis.targets.delete(changed, "AY2016-17").targets == []
    assert "ks2-rwm" in {found.code for found in sdk.kpis.list(q="KS2")}
    assert sdk.kpis.archive("ks2-rwm").archived_at is not None


def test_a_figure_put_read_listed_and_corrected_with_its_etag(sdk: Client) -> None:
    written = sdk.kpis.values.put(NEET, "FY2016-17", value=9, note="December-February average")
    read = sdk.kpis.values.get(NEET, "FY2016-17")
    assert (read.value, read.etag, read.revision) == (9, f'"{written.revision}"', written.revision)
    corrected = sdk.kpis.values.put(NEET, "FY2016-17", value=8, if_match=read.etag, reason="late returns")
    assert corrected.revision == read.revision + 1
    with pytest.raises(PreconditionFailed):
        sdk.kpis.values.put(NEET, "FY2016-17", value=7, if_match=read.etag)
    history = list(sdk.kpis.values.list(NEET, period="FY2016-17", history=True))
    assert {(value.revision, value.value) for value in history} >= {(read.revision, 9), (corrected.revision, 8)}


def test_status_scorecard_and_benchmark(sdk: Client) -> None:
    sdk.kpis.values.put(NEET, "FY2016-17", value=7.4)
    status = sdk.kpis.status(NEET, period="2016/17")
    assert status.rating.status in {"green", "amber", "red", "not_rated"}
    scorecard = sdk.scorecard.get(tier="council_plan", period="2016/17")
    assert isinstance(scorecard, models.Scorecard)
    assert len(scorecard.items) == 11
    assert isinstance(sdk.kpis.benchmark(NEET), models.BenchmarkRead)


def test_submissions_as_rows_and_as_csv(sdk: Client) -> None:
    rows: list[dict[str, object]] = [
        {"kpi": NEET, "period": "FY2016-17", "value": 7},
        {"kpi": NEET, "period": "FY2015-16", "value": 8},
    ]
    dry = sdk.kpi_submissions.create(rows, dry_run=True)
    assert (dry.id, dry.dry_run, dry.rows) == (None, True, 2)
    landed = sdk.kpi_submissions.create(rows, source="SDK test")
    assert landed.created + landed.updated == 2
    csv = f"kpi,period,value\n{NEET},FY2014-15,9\n"
    from_csv = sdk.kpi_submissions.create(csv=csv)
    assert from_csv.format == "csv"
    records = list(sdk.kpi_submissions.list())
    assert [record.id for record in records] == [from_csv.id, landed.id]
    assert landed.id is not None
    assert sdk.kpi_submissions.get(landed.id).source == "SDK test"


def test_a_refused_batch_names_each_row_and_field(sdk: Client) -> None:
    rows: list[dict[str, object]] = [
        {"kpi": NEET, "period": "FY2016-17", "value": 7},
        {"kpi": "no-such-kpi", "period": "FY2016-17"},
    ]
    with pytest.raises(UnprocessableEntity) as refused:
        sdk.kpi_submissions.create(rows)
    assert refused.value.problem.errors
    assert any("rows" in [str(part) for part in error.loc] for error in refused.value.problem.errors)
    partial = sdk.kpi_submissions.create(rows, mode="partial")
    assert partial.rejected == 1
    assert partial.rejections[0].row == 2


def test_national_indicators_adopted_as_kpis(sdk: Client) -> None:
    indicator = sdk.national_indicators.get("low-birth-weight-babies")
    assert indicator.key in {found.key for found in sdk.national_indicators.list(q="birth weight")}
    adopted = sdk.national_indicators.adopt(indicator, code="low-birth-weight")
    assert adopted.code == "low-birth-weight"


def test_a_comparator_group_made_changed_and_deleted(sdk: Client) -> None:
    group = sdk.comparator_groups.create(
        key="tees-valley", name="Tees Valley", description="d", members=["stockton-on-tees", "north-east"]
    )
    assert sdk.comparator_groups.get("tees-valley").name == "Tees Valley"
    changed = sdk.comparator_groups.update(group, name="Tees")
    assert changed.name == "Tees"
    assert "england" in {found.key for found in sdk.comparator_groups.list()}
    sdk.comparator_groups.delete(changed)
    assert "tees-valley" not in {found.key for found in sdk.comparator_groups.list()}


def test_dfe_statistics_imported_through_a_shipped_mapping_and_an_inline_one(sdk: Client) -> None:
    mappings = list(sdk.benchmarks.mappings.list())
    shipped = sdk.benchmarks.mappings.get("cpp-second-or-subsequent")
    assert shipped.name in {found.name for found in mappings}
    content = _stockton_rows()
    dry = sdk.benchmarks.imports.create(content, mapping="cpp-second-or-subsequent", dry_run=True)
    assert dry.dry_run
    assert dry.values_created > 0
    landed = sdk.benchmarks.imports.create(content.encode(), mapping="cpp-second-or-subsequent", filename=CPP_FILE)
    assert landed.values_created == dry.values_created
    inline = shipped.model_dump(exclude={"name"}, exclude_none=True)
    again = sdk.benchmarks.imports.create(content, mapping=inline)
    assert again.mapping is None
    assert again.values_created == 0
    assert again.kpi == REPEAT


def test_in_year_figures_a_target_profile_and_the_teams(sdk: Client) -> None:
    for month, value in (("2016-04", 8), ("2016-05", 7), ("2016-06", 6)):
        sdk.kpis.values.put(NEET, month, value=value)
    assert [value.period for value in sdk.kpis.values.list(NEET, period_type="month")] == [
        "2016-04",
        "2016-05",
        "2016-06",
    ]
    points = [("FY2016-17-Q1", 7), ("FY2016-17-Q2", 7), ("FY2016-17-Q3", 7), ("FY2016-17-Q4", 7)]
    profile = sdk.kpis.target_profiles.put(NEET, "FY2016-17", basis="per_period", points=points)
    assert (profile.etag, [point.cumulative for point in profile.points]) == ('"1"', [7, 7, 7, 7])
    with pytest.raises(PreconditionFailed):
        sdk.kpis.target_profiles.put(NEET, "FY2016-17", basis="per_period", points=points)
    with pytest.raises(UnprocessableEntity):
        sdk.kpis.target_profiles.put(NEET, "FY2016-17", basis="per_period", points=[("FY2016-17-Q4", 8)], if_match="*")
    quarter = next(row for row in sdk.kpis.in_year(NEET, year="FY2016-17").periods if row.period == "FY2016-17-Q1")
    assert (quarter.figure.value, quarter.figure.source, quarter.rating.status) == (6, "combined", "green")
    assert [found.year for found in sdk.kpis.target_profiles.list(NEET)] == ["FY2016-17"]
    sdk.kpis.target_profiles.delete(NEET, "FY2016-17")
    rolled = sdk.kpis.teams(NEET, "2016/17")
    assert (len(rolled.teams), rolled.combined.value) == (5, None)
