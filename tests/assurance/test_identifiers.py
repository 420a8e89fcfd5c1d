"""The identifier check (api/identifiers.py), without a database: what looks like a child's identifier is found, and
the strategy's own language is not."""

from typing import Any

import pytest
import yaml

from api.identifiers import IdentifierKind, identifier_kinds, nhs_check_digit_valid, no_identifiers, refusal
from tests.factories import SEED_DIR

SEED = SEED_DIR
K = IdentifierKind
FOUND = [
    # NHS numbers: ten digits with a valid modulus-11 check digit, run together or spaced 3-3-4
    ("NHS no 943 476 5919 seen at the review", K.nhs_number),
    ("9434765919", K.nhs_number),
    ("943-476-5919", K.nhs_number),
    ("number 401 023 2137 on the plan", K.nhs_number),
    # unique pupil numbers: a check letter, then 12 digits (or 11 and a letter, for a temporary UPN)
    ("UPN A801200012345", K.unique_pupil_number),
    ("pupil h123456789012 moved school", K.unique_pupil_number),
    ("temporary UPN B80120001234A", K.unique_pupil_number),
    # National Insurance numbers
    ("mother's NI AB 12 34 56 C", K.national_insurance_number),
    ("JG103759A", K.national_insurance_number),
    ("ni: ce123456d", K.national_insurance_number),
    # case and record references: a number beside a word that says so
    ("case no. 12345", K.case_reference),
    ("Case number: 2049", K.case_reference),
    ("ref 123456", K.case_reference),
    ("LCS 1234567", K.case_reference),
    ("Case ID: 998877", K.case_reference),
    ("child ID 55501 was reviewed", K.case_reference),
    ("RAISE ref AB123456", K.case_reference),
    ("file 20161234 was closed", K.case_reference),
    ("see 123456 case notes", K.case_reference),
    # dates of birth
    ("DOB 12/03/2009", K.date_of_birth),
    ("d.o.b. 1 March 2009", K.date_of_birth),
    ("Date of birth: 3rd of June 2011", K.date_of_birth),
    ("born on 12/03/2009", K.date_of_birth),
    ("born in 2009", K.date_of_birth),
    ("a baby born 4 Jan 2016", K.date_of_birth),
    # postcodes
    ("lives at TS18 1AB", K.postcode),
    ("TS181AB", K.postcode),
    ("moved to M1 1AE", K.postcode),
    ("DN55 1PT", K.postcode),
    ("EC1A 1BB", K.postcode),
    # phone numbers
    ("call 01642 527000", K.phone_number),
    ("07700 900123", K.phone_number),
    ("+44 7700 900123", K.phone_number),
    ("(01642) 123456", K.phone_number),
    ("020 7946 0018", K.phone_number),
    # email addresses
    ("jane.doe@example.org", K.email_address),
    ("write to family+1@mail.example.co.uk", K.email_address),
    # names after a title or a relationship
    ("Mr Smith attended", K.personal_name),
    ("Mrs J. Brown", K.personal_name),
    ("Ms K Jones", K.personal_name),
    ("Dr Patel's report", K.personal_name),
    ("Miss O'Neill", K.personal_name),
    ("a child called Jayden", K.personal_name),
    ("a boy named Tyler", K.personal_name),
    ("young person known as Kai", K.personal_name),
    ("the girl, who was called Amber,", K.personal_name),
    ("her mother Sarah", K.personal_name),
    ("their social worker Dave", K.personal_name),
    ("Jayden's mother", K.personal_name),
]
PASSED = [
    # the strategy's own words about the programme (6d-6h) and its figures
    "Attendance of team managers at ICPC",
    "Practice observation – attendance of managers (e.g. at LAC Review, CP Conference, TAF) to observe practice",
    "Multi agency file audits and thematic reviews, led by the LSCB",
    "Front line visits by elected members.",
    "Proportion of assessments completed in 45 days: 99% against a target of 95%",
    "2016/17",
    "FY2016-17-Q1",
    "2015/16 Projection 79% 80%",
    "Average time taken between a child entering care and moving in with their adoptive family: 611 days",
    "Ofsted judged the service Requires improvement",
    "AD SLAC",
    "AD EHPP, CSMT and the YOT Board",
    "S47 enquiries rose; Section 47 strategy meetings are kept under review",
    "KS2 and KS4 results; 0-19 services; 16-19 year olds NEET or not known",
    "LEAN review £800K in 2016/17; youth services £750K by 2018",
    "Building on audit work undertaken December 2015",
    "Series of thematic reviews to identify areas for improvement, due Mar 2017",
    "Lean/Systems review, led by Sue Reay.",
    "Child Protection Plan for a second or subsequent time, within 2 years",
    "Voice of the Child and customer insight",
    "The child's views were not recorded in 3 of 12 files audited",
    "Case file audits in Q2 2016/17: 12 files, 8 good, 4 requires improvement",
    "Team managers to check that the child's wishes are recorded before a review closes",
    "A model known as Signs of Safety",
    "The audit covered 2016 and 2017; case file 2016 audit",
    "Record 45 days; ID badges; file notes",
    "01/04/2016 to 31/03/2017",  # dates, but no one's birth
    "Dates of birth were recorded on every file",
    "Mothers and fathers attended; Council staff",
    "Stockton's foster carers",
    "Q1 2ND meeting",
]


@pytest.mark.parametrize(("text", "kind"), FOUND, ids=[text for text, _ in FOUND])
def test_an_identifier_is_found_with_its_kind(text: str, kind: IdentifierKind) -> None:
    assert kind in identifier_kinds(text)


@pytest.mark.parametrize("text", PASSED)
def test_the_strategys_language_passes(text: str) -> None:
    assert identifier_kinds(text) == []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def test_every_sentence_of_the_seeded_strategy_passes() -> None:
    """The whole document as seeded (focus areas, actions, projects, KPIs, bodies, owners): thousands of sentences."""
    texts = [text for path in sorted(SEED.rglob("*.yaml")) for text in _strings(yaml.safe_load(path.read_text()))]
    assert len(texts) > 1000
    flagged = [(text, identifier_kinds(text)) for text in texts if identifier_kinds(text)]
    assert flagged == []


def test_nhs_numbers_need_a_valid_check_digit() -> None:
    assert nhs_check_digit_valid("9434765919")
    assert not nhs_check_digit_valid("9434765918")
    assert not nhs_check_digit_valid("943476591")
    assert identifier_kinds("943 476 5918") == []  # ten digits, but no NHS number
    # a check digit of 10 means no number was issued with those nine digits
    assert not any(nhs_check_digit_valid(f"100000001{digit}") for digit in range(10))  # 10*1 + 2*1: check 10
    assert identifier_kinds("5000000000 and 9434765919") == [K.nhs_number]


def test_a_text_with_several_kinds_names_each_once() -> None:
    text = "Mrs Brown (DOB 01/02/2010, TS18 1AB, 07700 900123) and Mr Brown"
    assert identifier_kinds(text) == [K.personal_name, K.date_of_birth, K.postcode, K.phone_number]


def test_the_refusal_names_the_kinds_and_never_the_text() -> None:
    text = "Jayden's mother gave his DOB as 12/03/2009"
    with pytest.raises(ValueError, match="date of birth") as refused:
        no_identifiers(text)
    message = str(refused.value)
    assert "person's name" in message
    assert "Jayden" not in message
    assert "2009" not in message
    assert refusal([K.nhs_number]).startswith("looks like it holds an identifier (NHS number)")
    assert no_identifiers("Plans reviewed on time") == "Plans reviewed on time"
