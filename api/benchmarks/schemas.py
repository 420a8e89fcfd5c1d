"""Requests and answers of /benchmarks: importing DfE's published statistics through a mapping."""

from pydantic import BaseModel, Field

from api.benchmarks.mapping import Mapping, MappingName
from api.pagination import PageParams
from api.schemas import QueryModel


class ImportOptions(QueryModel):
    mapping: MappingName | None = Field(
        None, description="A shipped mapping (GET /benchmarks/mappings); or send one inline in the form's `mapping`."
    )
    dry_run: bool = Field(False, description="Read, check and report everything, writing nothing (no places either).")
    overwrite_local: bool = Field(
        False, description="Let DfE's figure replace one the council submitted itself for the same period."
    )


class ImportProblem(BaseModel):
    line: int | None = Field(description="The file's line (the header is line 1).")
    field: str = Field(description="The column, or what about the row is wrong.")
    reason: str
    written: bool = Field(
        description="true: the figure is stored as published all the same (a note on the value says why); false: "
        "the row cannot be imported, so a real import is refused (422) and writes nothing."
    )


class ImportResult(BaseModel):
    """What an import did (or, for a dry run, would do)."""

    mapping: str | None = Field(description="The shipped mapping's name; null for an inline mapping.")
    kpi: str
    dry_run: bool
    source: str = Field(description="Stored as each value's source.")
    rows_read: int = Field(description="Rows in the file.")
    rows_used: int = Field(description="Rows the figures were made from (summed rows and denominator rows included).")
    values_created: int = Field(description="Figures for a period and place that had none.")
    values_updated: int = Field(description="Figures that differ from the one held: a new revision.")
    values_unchanged: int = Field(description="Figures already held as they are.")
    values_kept_local: int = Field(
        description="The council's own figures left as submitted locally (send overwrite_local=true to replace them)."
    )
    places_created: int = Field(description="England, regions and local authorities new as scopes.")
    periods: list[str] = Field(description="The periods the figures cover, oldest first.")
    problems: list[ImportProblem]
    submission_id: int | None = Field(description="The KPI submission holding the written figures, if any were.")
    written: bool = Field(description="Whether anything was written: figures, or places (false for a dry run).")


class MappingRead(Mapping):
    """A shipped mapping, under its name; send it back (without `name`) as an inline mapping to adapt it."""

    name: MappingName


class MappingQuery(PageParams):
    """Shipped mappings in the order of seed/national/mappings.yaml."""
