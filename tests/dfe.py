"""Real published DfE figures from seed/national (copied into the repository), for tests that need realistic values."""

import csv
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from api.benchmarks.ees import period_code

DFE_DIR = Path(__file__).resolve().parents[1] / "seed" / "national"
STOCKTON_GSS = "E06000004"
ENGLAND_GSS = "E92000001"


@dataclass(frozen=True)
class Figure:
    period: str  # the financial year ending 31 March of time_period, e.g. 2016 -> FY2015-16
    gss_code: str
    numerator: Decimal
    denominator: Decimal
    percent: Decimal


@cache
def repeat_child_protection_plans() -> tuple[Figure, ...]:
    """Child protection plans that were a second or subsequent plan: Stockton-on-Tees and England, every year."""
    figures = []
    with (DFE_DIR / "d3_cpps_subsequent_plan_2013_to_2025.csv").open(newline="", encoding="utf-8-sig") as file:
        for row in csv.DictReader(file):
            national = row["geographic_level"] == "National"
            if not (national or row["new_la_code"] == STOCKTON_GSS):
                continue
            figures.append(
                Figure(
                    period=period_code(row["time_period"], row["time_identifier"]),
                    gss_code=ENGLAND_GSS if national else STOCKTON_GSS,
                    numerator=Decimal(row["CPP_subsequent"]),
                    denominator=Decimal(row["CPP_start"]),
                    percent=Decimal(row["CPP_subsequent_percent"]),
                )
            )
    return tuple(sorted(set(figures), key=lambda f: (f.gss_code, f.period)))


def stockton(figures: tuple[Figure, ...]) -> list[Figure]:
    return [figure for figure in figures if figure.gss_code == STOCKTON_GSS]


def england(figures: tuple[Figure, ...]) -> list[Figure]:
    return [figure for figure in figures if figure.gss_code == ENGLAND_GSS]
