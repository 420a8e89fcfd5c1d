"""Bad input, table-driven over every write endpoint, JSON and CSV: every case is a 4xx problem (a 422 names the
field), never a 500, and the database is exactly as it was (row counts of every table unchanged).

The cases come from the OpenAPI document, so a new field or endpoint is covered without being listed: each field
of a request body gets the bad values for its type (a NUL character, text longer than its column, numbers beyond
NUMERIC(18, 6) or 64 bits, exponents huge and tiny, a 4,000-digit integer, dates out of range, an empty
reference), and every path and query parameter gets a NUL, an overlong value and an unknown neighbour."""

import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient, Response
from sqlalchemy import Select, func, select

from api import db
from api.models import Base
from api.openapi import NO_NUL
from api.routing import API_PREFIX
from api.seeding.sync import Tally
from tests.auth.helpers import api_routes

FOCUS_AREA = "children-in-need-of-help-and-protection"
ACTION = "cin-implement-graded-care-profile-2"
KPI = "neet-not-known-16-19"
PLACEHOLDER = "__bad_value__"
IMPORT_HEADER = (  # DfE's table D3, as published (seed/national/d3_cpps_subsequent_plan_2013_to_2025.csv)
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
    "new_la_code,la_name,category,CPP_start,CPP_subsequent,CPP_subsequent_percent"
)
IMPORT_ROWS = [
    "2025,Reporting year,National,E92000001,England,,,,,,Child Protection Plans which are a second or subsequent plan,"
    "61840,15130,24.5",
    "2025,Reporting year,Local authority,E92000001,England,E12000001,North East,805,E06000001,Hartlepool,"
    "Child Protection Plans which are a second or subsequent plan,241,78,32.4",
]
NOT_COUNTED = ("rate_limit_window",)  # counts requests, bad or not
MADE = "{made}"
MADE_ID = "{made_id}"  # the id in the answer of the POST made last (a progress update has no Location)
PACK = ("/api/v1/governance-bodies/csmt/packs", {"meeting_date": "2016-10-12", "as_at": "2016-10-01"})
COMMENTARY = {"period": "FY2016-17", "text": "Not known fell after tracking; NEET is the focus now"}
PROFILE = f"/api/v1/kpis/{KPI}/target-profiles/FY2016-17"
# NEET's trajectory to its 2016/17 target of 7%, quarter by quarter (a snapshot: the last point is the target).
PROFILE_BODY = {
    "basis": "per_period",
    "points": [
        {"period": "FY2016-17-Q1", "value": 8.5},
        {"period": "FY2016-17-Q2", "value": 8},
        {"period": "FY2016-17-Q3", "value": 7.5},
        {"period": "FY2016-17-Q4", "value": 7},
    ],
}
KPI_COMMENTARY = (f"/api/v1/kpis/{KPI}/commentaries", COMMENTARY)
ASSURANCE = (
    "/api/v1/assurance-activities",
    {
        "kind": "case_file_audit",
        "setting": None,
        "team": "reviewing-unit",
        "carried_out_on": "2016-09-14",
        "carried_out_by_role": "Service manager",
        "lead_body": "csmt",
        "grading": "good",
        "themes": ["Voice of the child"],
        "findings": "Plans reviewed on time",
        "learning": "Record the child's views",
        "actions": [{"action": ACTION, "relation": "raises"}],
    },
)
WEBHOOK = (
    "/api/v1/webhook-subscriptions",
    {"url": "https://integrations.example.org/hooks", "event_types": ["pack.issued"], "description": "d"},
)
MEETING = ("/api/v1/meetings", {"body": "csmt", "meeting_date": "2016-10-12"})
PROCEDURE_CHANGE = ("/api/v1/procedure-changes", {"key": "missing-episodes", "title": "Record missing episodes"})
DECISION = {
    "text": "Audit private fostering",
    "reasons": "Late notifications",
    "concerns": [f"kpi:{KPI}", f"action:{ACTION}"],
    "actions_arising": [
        {"action": ACTION},
        {"new": {"key": "cin-audit", "focus_area": FOCUS_AREA, "what": "Audit", "when": "Jan 2017", "who": ["LSCB"]}},
    ],
}
GROUP = {"key": "tees-valley", "name": "Tees Valley", "description": "d", "members": ["stockton-on-tees", "north-east"]}


@dataclass(frozen=True)
class Write:
    """A valid request to a write endpoint; each case spoils one part of it."""

    path: str
    body: dict[str, Any] | None = None
    item: str | None = None  # where its ETag comes from, sent as If-Match
    query: dict[str, str] = field(default_factory=dict)
    # POSTs that make the item first, in turn, where the seed has none; MADE in a path (or item) stands for the
    # Location of the one made last, MADE_ID for the id in its answer
    made_by: tuple[tuple[str, dict[str, Any]], ...] = ()
    made_with: str = "POST"  # or PUT, for an item made by PUT (sent with If-None-Match: *)
    csv: str | None = None  # the body of an endpoint that takes a file (as text/csv), not JSON


WRITES: dict[tuple[str, str], Write] = {
    ("POST", "/owners"): Write(
        "/api/v1/owners",
        {
            "key": "head-of-virtual-school",
            "code": "HoVS",
            "full_name": "Head of the Virtual School",
            "kind": "role",
            "parent": "DCS",
            "aliases": ["Head VS"],
            "note": "Named in the LAC strategy",
        },
    ),
    ("PATCH", "/owners/{key}"): Write(
        "/api/v1/owners/ad-slac",
        {"code": "AD SLAC", "full_name": "Assistant Director", "kind": "role", "parent": "DCS", "aliases": ["ADSLAC"]},
        item="/api/v1/owners/ad-slac",
    ),
    ("DELETE", "/owners/{key}"): Write("/api/v1/owners/ad-slac", item="/api/v1/owners/ad-slac"),
    ("POST", "/teams"): Write(
        "/api/v1/teams",
        {
            "key": "children-in-care-team",
            "name": "Children in Care Team",
            "kind": "team",
            "parent": "stockton-on-tees",
            "service_owner": "AD SLAC",
            "manager_role": "Team manager",
            "description": "Social workers for looked after children.",
        },
    ),
    ("PATCH", "/teams/{key}"): Write(
        "/api/v1/teams/reviewing-unit",
        {
            "name": "Independent Reviewing Unit",
            "parent": "stockton-on-tees",
            "service_owner": "AD SLAC",
            "manager_role": "Service manager",
            "description": "Chairs reviews and conferences.",
        },
        item="/api/v1/teams/reviewing-unit",
    ),
    ("POST", "/routing-rules"): Write(
        "/api/v1/routing-rules",
        {
            "key": "lscb-actions",
            "item_kind": "business_improvement_action",
            "focus_area": FOCUS_AREA,
            "owner": "LSCB",
            "body": "lscb",
            "report": "LSCB business plan update",
            "step": 1,
            "note": "Safeguarding actions",
        },
    ),
    ("PATCH", "/routing-rules/{key}"): Write(
        "/api/v1/routing-rules/actions-to-csmt",
        {"focus_area": FOCUS_AREA, "owner": "LSCB", "body": "csmt", "report": "monthly", "note": "n"},
        item="/api/v1/routing-rules/actions-to-csmt",
    ),
    ("DELETE", "/routing-rules/{key}"): Write(
        "/api/v1/routing-rules/actions-to-csmt", item="/api/v1/routing-rules/actions-to-csmt"
    ),
    ("PATCH", "/exception-rules/{key}"): Write(
        "/api/v1/exception-rules/action-overdue-30-days",
        {"threshold": 45, "enabled": True, "description": "Overdue by more than 45 days"},
        item="/api/v1/exception-rules/action-overdue-30-days",
    ),
    ("POST", "/actions"): Write(
        "/api/v1/actions",
        {
            "key": "cin-private-fostering-audit",
            "focus_area": FOCUS_AREA,
            "theme": "Practice",
            "what": "Audit private fostering arrangements",
            "detail": "Privately fostered children are known",
            "when": "Jan 2017",
            "who": ["AD SLAC"],
            "comments": "Report to LSCB",
            "milestones": [{"title": "Audit tool agreed", "when": "Oct 2016"}],
            "note": "Added in year",
        },
    ),
    ("PATCH", "/actions/{key}"): Write(
        f"/api/v1/actions/{ACTION}",
        {"what": "Implement GCP2", "detail": "d", "when": "Dec 2016", "who": ["LSCB"], "comments": "c"},
        item=f"/api/v1/actions/{ACTION}",
    ),
    ("DELETE", "/actions/{key}"): Write(f"/api/v1/actions/{ACTION}", item=f"/api/v1/actions/{ACTION}"),
    ("POST", "/actions/{key}/updates"): Write(
        f"/api/v1/actions/{ACTION}/updates",
        {"status": "on_track", "rag": "green", "percent_complete": 40, "commentary": "Training", "as_of": "2016-09-30"},
    ),
    ("POST", "/projects"): Write(
        "/api/v1/projects",
        {
            "key": "edge-of-care-service",
            "title": "Edge of care service",
            "description": "Keep families together",
            "focus_areas": ["early-help", FOCUS_AREA],
            "lead": "AD SLAC",
            "pid_status": "draft",
            "deadline": "March 2017",
            "savings_target_pence": 25_000_000,
            "savings_target_when": "March 2017",
            "note": "n",
        },
    ),
    ("PATCH", "/projects/{key}"): Write(
        "/api/v1/projects/lean-review",
        {"title": "LEAN review", "focus_areas": ["early-help"], "lead": "AD SLAC", "savings_target_pence": 1},
        item="/api/v1/projects/lean-review",
    ),
    ("DELETE", "/projects/{key}"): Write("/api/v1/projects/lean-review", item="/api/v1/projects/lean-review"),
    ("POST", "/projects/{key}/updates"): Write(
        "/api/v1/projects/lean-review/updates", {"status": "on_track", "rag": "amber", "as_of": "2016-09-30"}
    ),
    ("PUT", "/projects/{key}/savings/{fy}"): Write(
        "/api/v1/projects/lean-review/savings/FY2016-17",
        {"target_pence": 80_000_000, "forecast_pence": 60_000_000, "delivered_pence": 1, "note": "Q2 forecast"},
    ),
    ("POST", "/kpis"): Write(
        "/api/v1/kpis",
        {
            "code": "ks2-rwm",
            "title": "Key Stage 2 reading, writing and maths",
            "description": "d",
            "tier": "service_indicator",
            "unit": "percent",
            "decimal_places": 0,
            "polarity": "higher_better",
            "period_type": "academic_year",
            "combine": "ratio",
            "focus_area": FOCUS_AREA,
            "national_code": "123",
            "baseline_period": "2015/16",
            "baseline_value": 53,
            "baseline_note": "b",
            "note": "n",
        },
    ),
    ("POST", "/national-indicators/{key}/adoptions"): Write(
        "/api/v1/national-indicators/low-birth-weight-babies/adoptions",
        {
            "code": "low-birth-weight",
            "tier": "council_plan",
            "focus_area": FOCUS_AREA,
            "title": "t",
            "decimal_places": 1,
        },
    ),
    ("PATCH", "/kpis/{code}"): Write(
        f"/api/v1/kpis/{KPI}",
        {"title": "NEET and not known", "description": "d", "baseline_value": 7, "note": "n"},
        item=f"/api/v1/kpis/{KPI}",
    ),
    ("DELETE", "/kpis/{code}"): Write(f"/api/v1/kpis/{KPI}", item=f"/api/v1/kpis/{KPI}"),
    ("PUT", "/kpis/{code}/targets/{period}"): Write(
        f"/api/v1/kpis/{KPI}/targets/FY2017-18",
        {"kind": "numeric", "value": 6.5, "amber_tolerance": 0.5, "note": "n"},
        item=f"/api/v1/kpis/{KPI}",
    ),
    ("DELETE", "/kpis/{code}/targets/{period}"): Write(
        f"/api/v1/kpis/{KPI}/targets/FY2016-17", item=f"/api/v1/kpis/{KPI}"
    ),
    ("PUT", "/kpis/{code}/return-schedule"): Write(
        f"/api/v1/kpis/{KPI}/return-schedule",
        {
            "accountable_owner": "AD Schools",
            "submitting_owner": "AD SLAC",
            "frequency": "financial_quarter",
            "due_basis": "calendar_days",
            "due_days": 20,
            "first_period": "FY2016-17-Q2",
        },
        item=f"/api/v1/kpis/{KPI}/return-schedule",
    ),
    ("DELETE", "/kpis/{code}/return-schedule"): Write(
        f"/api/v1/kpis/{KPI}/return-schedule", item=f"/api/v1/kpis/{KPI}/return-schedule"
    ),
    ("PUT", "/kpis/{code}/target-profiles/{year}"): Write(
        PROFILE,
        PROFILE_BODY,
        item=PROFILE,
        made_by=((PROFILE, PROFILE_BODY),),
        made_with="PUT",
    ),
    ("DELETE", "/kpis/{code}/target-profiles/{year}"): Write(
        PROFILE, item=PROFILE, made_by=((PROFILE, PROFILE_BODY),), made_with="PUT"
    ),
    ("PUT", "/kpis/{code}/values/{period}"): Write(
        f"/api/v1/kpis/{KPI}/values/FY2016-17",
        {"value": 7.4, "provisional": True, "note": "n", "source": "LCS", "reason": "r"},
        query={"scope": "stockton-on-tees"},
    ),
    ("POST", "/kpis/{code}/values/{period}/sign-offs"): Write(
        f"/api/v1/kpis/{KPI}/values/FY2016-17/sign-offs",
        {"decision": "returned", "revision": 1, "reasons": "Excludes the September cohort"},
        query={"scope": "stockton-on-tees"},
        made_by=((f"/api/v1/kpis/{KPI}/values/FY2016-17", {"value": 7}),),
        made_with="PUT",
    ),
    ("POST", "/kpi-submissions"): Write(
        "/api/v1/kpi-submissions",
        {"rows": [{"kpi": KPI, "period": "FY2016-17", "scope": "stockton-on-tees", "value": 7.4}], "source": "s"},
    ),
    ("POST", "/comparator-groups"): Write("/api/v1/comparator-groups", GROUP),
    ("PATCH", "/comparator-groups/{key}"): Write(
        f"/api/v1/comparator-groups/{GROUP['key']}",
        {"name": "Tees", "description": "d", "members": ["stockton-on-tees"]},
        item=f"/api/v1/comparator-groups/{GROUP['key']}",
        made_by=(("/api/v1/comparator-groups", GROUP),),
    ),
    ("DELETE", "/comparator-groups/{key}"): Write(
        f"/api/v1/comparator-groups/{GROUP['key']}",
        item=f"/api/v1/comparator-groups/{GROUP['key']}",
        made_by=(("/api/v1/comparator-groups", GROUP),),
    ),
    ("POST", "/api-keys"): Write(
        "/api/v1/api-keys",
        {
            "name": "case management",
            "scopes": ["read", "kpi:submit"],
            "kpi_codes": [KPI],
            "owner_codes": ["AD SLAC"],
            "expires_at": "2030-01-01T00:00:00Z",
            "note": "n",
        },
    ),
    ("DELETE", "/api-keys/{key_id}"): Write("/api/v1/api-keys/k0000000000"),
    ("POST", "/benchmarks/imports"): Write(
        "/api/v1/benchmarks/imports",
        query={"mapping": "cpp-second-or-subsequent"},
        csv=IMPORT_HEADER + "\n" + "\n".join(IMPORT_ROWS) + "\n",
    ),
    ("POST", "/governance-bodies/{key}/packs"): Write(
        "/api/v1/governance-bodies/csmt/packs",
        {"meeting_date": "2016-10-12", "period": "2016/17", "as_at": "2016-10-01"},
    ),
    ("POST", "/packs/{pack_id}/shares"): Write(
        f"{MADE}/shares", {"expires_at": (datetime.now(UTC) + timedelta(days=7)).isoformat()}, made_by=(PACK,)
    ),
    ("DELETE", "/packs/{pack_id}/shares/{share_id}"): Write(MADE, made_by=(PACK, (f"{MADE}/shares", {}))),
    ("POST", "/kpis/{code}/commentaries"): Write(f"/api/v1/kpis/{KPI}/commentaries", COMMENTARY),
    ("POST", "/actions/{key}/updates/{update_id}/commentaries"): Write(
        f"/api/v1/actions/{ACTION}/updates/{MADE_ID}/commentaries",
        {"text": "Training dates are set"},
        made_by=((f"/api/v1/actions/{ACTION}/updates", {"status": "at_risk", "as_of": "2016-09-30"}),),
    ),
    ("POST", "/projects/{key}/updates/{update_id}/commentaries"): Write(
        f"/api/v1/projects/lean-review/updates/{MADE_ID}/commentaries",
        {"text": "Mapping starts in October"},
        made_by=(("/api/v1/projects/lean-review/updates", {"status": "at_risk", "as_of": "2016-09-30"}),),
    ),
    ("PUT", "/commentaries/{commentary_id}"): Write(
        MADE, {"text": "Fewer not known after the tracking exercise"}, item=MADE, made_by=(KPI_COMMENTARY,)
    ),
    ("DELETE", "/commentaries/{commentary_id}"): Write(MADE, item=MADE, made_by=(KPI_COMMENTARY,)),
    ("POST", "/assurance-activities"): Write(*ASSURANCE),
    ("PATCH", "/assurance-activities/{activity_id}"): Write(
        MADE, {**ASSURANCE[1], "grading": "requires_improvement"}, item=MADE, made_by=(ASSURANCE,)
    ),
    ("DELETE", "/assurance-activities/{activity_id}"): Write(MADE, item=MADE, made_by=(ASSURANCE,)),
    ("POST", "/webhook-subscriptions"): Write(*WEBHOOK),
    ("PATCH", "/webhook-subscriptions/{subscription_id}"): Write(
        MADE, {"description": "Case system", "status": "paused"}, item=MADE, made_by=(WEBHOOK,)
    ),
    ("POST", "/webhook-subscriptions/{subscription_id}/secret-rotations"): Write(
        f"{MADE}/secret-rotations", {"previous_valid_for": 60}, item=MADE, made_by=(WEBHOOK,)
    ),
    ("POST", "/webhook-subscriptions/{subscription_id}/pings"): Write(f"{MADE}/pings", made_by=(WEBHOOK,)),
    ("POST", "/webhook-deliveries/{delivery_id}/replays"): Write(
        f"{MADE}/replays", made_by=(WEBHOOK, (f"{MADE}/pings", {}))
    ),
    ("POST", "/meetings"): Write(
        MEETING[0],
        MEETING[1]
        | {"title": "CSMT", "location": "Municipal Buildings", "notes": "n", "agenda_items": [f"action:{ACTION}"]},
    ),
    ("PATCH", "/meetings/{meeting_id}"): Write(
        MADE,
        {
            "meeting_date": "2016-10-13",
            "title": "t",
            "location": "l",
            "notes": "n",
            "status": "held",
            "agenda_items": [],
        },
        item=MADE,
        made_by=(MEETING,),
    ),
    ("POST", "/meetings/{meeting_id}/decisions"): Write(f"{MADE}/decisions", DECISION, made_by=(MEETING,)),
    ("PATCH", "/meetings/{meeting_id}/decisions/{number}"): Write(
        MADE,
        {"text": "Audit it", "reasons": "r", "concerns": [f"kpi:{KPI}"], "actions_arising": [{"action": ACTION}]},
        item=MADE,
        made_by=(MEETING, (f"{MADE}/decisions", {"text": "Audit"})),
    ),
    ("POST", "/procedure-changes"): Write(
        *PROCEDURE_CHANGE[:1], PROCEDURE_CHANGE[1] | {"description": "d", "focus_area": FOCUS_AREA}
    ),
    ("PATCH", "/procedure-changes/{key}"): Write(
        MADE, {"title": "t", "description": "d", "focus_area": FOCUS_AREA}, item=MADE, made_by=(PROCEDURE_CHANGE,)
    ),
}


@dataclass(frozen=True)
class Case:
    name: str
    path: str
    content: str | None
    query: dict[str, str]
    field: str | None  # the field a 422 must name
    content_type: str = "application/json"


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]])
    return schema


def _variants(spec: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(spec, schema)
    options = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return [_resolve(spec, option) for option in options if option.get("type") != "null"]


def _bad_values(spec: dict[str, Any], schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, raw JSON) of the values a field of this schema must refuse."""
    bad: list[tuple[str, str]] = []
    for variant in _variants(spec, schema):
        kind, limit = variant.get("type"), variant.get("maxLength")
        if kind == "string" and "enum" not in variant:
            bad += [("NUL", json.dumps("a\x00b")), ("overlong", json.dumps("x" * ((limit or 100_000) + 1)))]
            if variant.get("minLength") or variant.get("pattern", NO_NUL) != NO_NUL:
                bad.append(("empty reference", '""'))
            if variant.get("format") in ("date", "date-time"):
                bad += [("year 1", '"0001-01-01T00:00:00+14:00"'), ("year 9999", '"9999-12-31T23:59:59-14:00"')]
        elif kind in ("number", "integer"):
            bad += [
                ("beyond 64 bits", str(2**64)),
                ("below 64 bits", str(-(2**63) - 1)),
                ("huge exponent", "1e400"),
                ("huge exponent as text", '"1e999999"'),
                ("tiny exponent as text", '"1e-5000"'),
                ("4000 digits", "9" * 4000),
            ]
        elif kind == "array":
            items = _variants(spec, variant.get("items", {}))
            if any(item.get("type") == "string" for item in items):
                bad.append(("NUL in a list", json.dumps(["a\x00b"])))
            bad.append(("more items than any list takes", json.dumps([0] * 10_001)))
    return bad


def _with(body: dict[str, Any], name: str, raw: str) -> str:
    return json.dumps(body | {name: PLACEHOLDER}).replace(json.dumps(PLACEHOLDER), raw)


def _body_cases(spec: dict[str, Any], operation: dict[str, Any], write: Write) -> list[Case]:
    if write.body is None:
        return []
    schema = _resolve(spec, operation["requestBody"]["content"]["application/json"]["schema"])
    cases = [
        Case(f"{name}: {value_name}", write.path, _with(write.body, name, raw), write.query, name)
        for name, field_schema in schema.get("properties", {}).items()
        for value_name, raw in _bad_values(spec, field_schema)
    ]
    rows = schema.get("properties", {}).get("rows")
    if rows:  # a batch: spoil the fields of a row too
        row_schema = _resolve(spec, rows["items"])
        row = write.body["rows"][0]
        cases += [
            Case(
                f"rows.{name}: {value_name}", write.path, '{"rows": [' + _with(row, name, raw) + "]}", write.query, name
            )
            for name, field_schema in row_schema.get("properties", {}).items()
            for value_name, raw in _bad_values(spec, field_schema)
        ]
    deep = "[" * 10_000 + "]" * 10_000
    return [
        *cases,
        Case("unknown field", write.path, _with(write.body, "surely_unknown", "1"), write.query, "surely_unknown"),
        Case("deeply nested", write.path, _with(write.body, "nested", deep), write.query, None),
        Case("not JSON", write.path, "{'python': 'dict'}", write.query, None),
    ]


def _csv_cases(write: Write) -> list[Case]:
    header = "kpi,period,scope,value,note"
    rows = {
        "NUL": f"{KPI},FY2016-17,,7.4,a\x00b",
        "overlong note": f"{KPI},FY2016-17,,7.4,{'x' * 2001}",
        "huge value": f"{KPI},FY2016-17,,1e999999,",
        "4000 digits": f"{KPI},FY2016-17,,{'9' * 4000},",
        "tiny exponent": f"{KPI},FY2016-17,,1e-5000,",
        "unterminated quote": f'{KPI},FY2016-17,,"7.4,',
        "huge cell": f"{KPI},FY2016-17,,7.4,{'x' * 200_000}",
    }
    cases = [Case(f"CSV {name}", write.path, f"{header}\n{row}\n", {}, None, "text/csv") for name, row in rows.items()]
    cases += [
        Case("CSV repeated column", write.path, f"kpi,period,value,value\n{KPI},FY2016-17,7,7\n", {}, None, "text/csv"),
        Case("CSV no rows", write.path, f"{header}\n", {}, None, "text/csv"),
        Case(
            "CSV a value beyond the columns", write.path, f"{header}\n{KPI},FY2016-17,,7.4,,7\n", {}, None, "text/csv"
        ),
        Case(
            "CSV badly grouped thousands", write.path, f'{header}\n{KPI},FY2016-17,,"1,23",\n', {}, "value", "text/csv"
        ),
        Case("CSV percent twice", write.path, f"{header}\n{KPI},FY2016-17,,7.4%%,\n", {}, "value", "text/csv"),
    ]
    windows_1252 = f"{header}\n{KPI},FY2016-17,,7.4,Children\x92s\n"
    undefined_byte = f"{header}\n{KPI},FY2016-17,,7.4,\x81\n"
    cases += [
        Case("CSV declared UTF-8, not UTF-8", write.path, windows_1252, {}, None, "text/csv; charset=utf-8"),
        Case("CSV neither UTF-8 nor Windows-1252", write.path, undefined_byte, {}, None, "text/csv"),
        Case("CSV unknown charset", write.path, windows_1252, {}, None, "text/csv; charset=shift_jis"),
    ]
    form = "multipart/form-data; boundary=b"
    part = '--b\r\nContent-Disposition: form-data; name="{name}"{filename}\r\n\r\n{content}\r\n'
    csv_file = part.format(name="file", filename='; filename="f.csv"', content=f"{header}\n{KPI},FY2016-17,,7.4,")
    forms = {
        "no file": part.format(name="mode", filename="", content="partial"),
        "two files": csv_file + csv_file,
        "text, not a file": part.format(name="file", filename="", content=f"{header}\n{KPI},FY2016-17,,7.4,"),
        "another field": csv_file + part.format(name="mode", filename="", content="partial"),
        "unterminated": csv_file,
        "a NUL": part.format(
            name="file", filename='; filename="f.csv"', content=f"{header}\n{KPI},FY2016-17,,7.4,\x00"
        ),
    }
    cases += [
        Case(f"form {name}", write.path, body + "--b--\r\n" * (name != "unterminated"), {}, None, form)
        for name, body in forms.items()
    ]
    cases.append(Case("form without a boundary", write.path, forms["two files"], {}, None, "multipart/form-data"))
    return cases


def _import_cases(write: Write) -> list[Case]:
    """The file and the inline mapping of an import, spoilt one way at a time."""
    assert write.csv is not None
    query, rows = write.query, "\n".join(IMPORT_ROWS)
    cases = [
        Case(f"file {name}", write.path, content, query, None, "text/csv")
        for name, content in {
            "empty": "",
            "without the mapping's columns": "time_period,time_identifier\n2025,Reporting year\n",
            "a NUL": write.csv.replace("Hartlepool", "Hartle\x00pool"),
            "unterminated quote": write.csv + '2025,"Reporting year\n',
            "a row for England twice": write.csv + IMPORT_ROWS[0] + "\n",
            "a percentage that is not one": write.csv.replace("24.5", "24.5.5"),
            "a percentage over 100, found once the new place is made": write.csv.replace(",32.4", ",132.4"),
            "a period that is not one": write.csv.replace(
                "2025,Reporting year,National", "20x5,Reporting year,National"
            ),
            "no row the mapping imports": write.csv.replace("Child Protection Plans", "Children in need"),
        }.items()
    ]
    cases.append(
        Case("file declared UTF-8, not UTF-8", write.path, write.csv + "\x92", query, None, "text/csv; charset=utf-8")
    )
    cases.append(Case("file as JSON", write.path, json.dumps({"rows": rows}), query, None, "application/json"))
    form = "multipart/form-data; boundary=b"
    part = '--b\r\nContent-Disposition: form-data; name="{name}"{filename}\r\n\r\n{content}\r\n'
    csv_file = part.format(name="file", filename='; filename="d3.csv"', content=write.csv)
    inline = {"kpi": "child-protection-plans-second-or-subsequent", "value": "CPP_subsequent_percent"}

    def mapped(mapping: dict[str, Any] | str) -> str:
        content = mapping if isinstance(mapping, str) else json.dumps(mapping)
        return csv_file + part.format(name="mapping", filename="", content=content) + "--b--\r\n"

    forms = {
        "an inline mapping beside ?mapping=": (mapped(inline), query, "mapping"),
        "an inline mapping with an unknown field": (mapped(inline | {"surely_unknown": 1}), {}, "surely_unknown"),
        "an inline mapping with a NUL": (mapped(inline | {"title": "a\x00b"}), {}, "title"),
        "an inline mapping that is not JSON": (mapped("{'python': 'dict'}"), {}, None),
        "an inline mapping without a figure": (mapped({"kpi": inline["kpi"]}), {}, None),
        "an inline mapping naming a column the file lacks": (
            mapped(inline | {"numerator": "nope", "denominator": "CPP_start"}),
            {},
            None,
        ),
        "an inline mapping for an unknown KPI": (mapped(inline | {"kpi": "no-such-kpi"}), {}, "kpi"),
        "no mapping at all": (csv_file + "--b--\r\n", {}, "mapping"),
        "another field": (mapped(inline).replace('name="mapping"', 'name="mode"'), {}, None),
    }
    cases += [Case(f"form {name}", write.path, body, q, field, form) for name, (body, q, field) in forms.items()]
    cases.append(
        Case("an unknown shipped mapping", write.path, write.csv, {"mapping": "no-such-mapping"}, "mapping", "text/csv")
    )
    return cases


def _parameter_cases(operation: dict[str, Any], route_path: str, write: Write) -> list[Case]:
    body = write.csv if write.csv is not None else json.dumps(write.body) if write.body is not None else None
    kind = "text/csv" if write.csv is not None else "application/json"
    cases = [
        Case("unknown query parameter", write.path, body, write.query | {"surely_unknown": "1"}, "surely_unknown", kind)
    ]
    for parameter in operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        if where == "query":
            cases.append(Case(f"query {name}: NUL", write.path, body, write.query | {name: "a\x00b"}, name, kind))
        elif where == "path":
            concrete = _path_with(route_path, write.path, name, "a%00b")
            cases.append(Case(f"path {name}: NUL", concrete, body, write.query, name, kind))
            long = _path_with(route_path, write.path, name, "x" * 5000)
            cases.append(Case(f"path {name}: overlong", long, body, write.query, name, kind))
    return cases


def _path_with(template: str, concrete: str, name: str, value: str) -> str:
    """The concrete path with one of its parameters replaced."""
    parts, values = ("/api/v1" + template).split("/"), concrete.split("/")
    return "/".join(value if part == "{" + name + "}" else given for part, given in zip(parts, values, strict=True))


@cache
def _counting() -> Select[Any]:
    """Every counted table's rows, in one statement (built once: it runs after every spoilt request)."""
    tables = [table for table in Base.metadata.sorted_tables if table.name not in NOT_COUNTED]
    return select(*(select(func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables))


async def _row_counts() -> dict[str, int]:
    async with db.get_engine().connect() as connection:
        return dict((await connection.execute(_counting())).one()._mapping)


async def _make(admin: AsyncClient, write: Write) -> Write:
    """Make what the request needs (made_by, in turn); the request, with MADE replaced by where the last was made
    and MADE_ID by its id."""
    location, made_id = "", ""
    for path, body in write.made_by:
        first = {"If-None-Match": "*"} if write.made_with == "PUT" else {}
        made = await admin.request(write.made_with, path.replace(MADE, location), json=body, headers=first)
        assert made.status_code == 201, made.text
        location, made_id = made.headers.get("location", ""), str(made.json().get("id", ""))

    def made_in(text: str) -> str:
        return text.replace(MADE, location).replace(MADE_ID, made_id)

    return replace(write, path=made_in(write.path), item=made_in(write.item) if write.item else None)


async def _send(admin: AsyncClient, method: str, write: Write, case: Case) -> Response:
    headers = {"Content-Type": case.content_type}
    if write.item is not None:
        headers["If-Match"] = (await admin.get(write.item)).headers.get("etag", '"1"')
    content = (
        case.content.encode("utf-8" if case.content_type == "application/json" else "latin-1") if case.content else None
    )
    return await admin.request(method, case.path, params=case.query, content=content, headers=headers)


def _write_routes(app: FastAPI) -> list[tuple[str, str]]:
    return sorted(
        (method, route.path.removeprefix(API_PREFIX))
        for route in api_routes(app)
        for method in route.methods or ()
        if method in ("POST", "PUT", "PATCH", "DELETE")
    )


def test_every_write_endpoint_has_a_valid_request_to_spoil(app: FastAPI) -> None:
    assert _write_routes(app) == sorted(WRITES), "add the new endpoint's valid request to WRITES"


@pytest.mark.parametrize(("method", "route"), sorted(WRITES), ids=[f"{m} {p}" for m, p in sorted(WRITES)])
async def test_bad_input_is_a_4xx_and_writes_nothing(
    app: FastAPI, admin: AsyncClient, loaded: Tally, method: str, route: str
) -> None:
    spec = app.openapi()
    operation = spec["paths"]["/api/v1" + route][method.lower()]
    write = await _make(admin, WRITES[(method, route)])
    cases = _body_cases(spec, operation, write) + _parameter_cases(operation, route, write)
    if route == "/kpi-submissions":
        cases += _csv_cases(write)
    if route == "/benchmarks/imports":
        cases += _import_cases(write)
    before = await _row_counts()
    for case in cases:
        response = await _send(admin, method, write, case)
        assert 400 <= response.status_code < 500, (case.name, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith("application/problem+json"), case.name
        problem = response.json()
        if response.status_code == 422 and case.field is not None and "errors" in problem:
            named = [str(part) for error in problem["errors"] for part in error["loc"]]
            assert case.field in named or re.search(rf"\b{case.field}\b", problem["detail"]), (case.name, problem)
        assert await _row_counts() == before, f"{case.name} changed the database"


@pytest.mark.parametrize(("method", "route"), sorted(WRITES), ids=[f"{m} {p}" for m, p in sorted(WRITES)])
async def test_the_unspoilt_request_is_accepted(admin: AsyncClient, loaded: Tally, method: str, route: str) -> None:
    """So that every refusal above is down to the one thing spoilt."""
    write = await _make(admin, WRITES[(method, route)])
    content = write.csv if write.csv is not None else json.dumps(write.body) if write.body is not None else None
    kind = "text/csv" if write.csv is not None else "application/json"
    response = await _send(admin, method, write, Case("valid", write.path, content, write.query, None, kind))
    expected = (
        404 if route == "/api-keys/{key_id}" else 409 if route == "/owners/{key}" and method == "DELETE" else None
    )
    assert response.status_code == expected or response.status_code < 300, (method, route, response.text[:300])
