"""What looks like a child-level identifier in free text: pure functions, no database.

The service holds aggregate figures and plans, never a child's or a family's personal data. Free text a person
writes (an audit's findings, what was learnt) is where such data would slip in, so it is read for the shapes
identifiers take before anything is stored, and a request carrying one is refused naming the field and the kind of
identifier, never the text matched (which would copy it into logs and problem bodies).

Each pattern is chosen to pass the strategy's own language: acronyms (ICPC, LAC, TAF, AD SLAC, KS2, S47), years
and spans (2016, 2016/17, FY2016-17-Q1), figures (45 days, 79%, £800K, 611 days) and staff named without a title.
Some shapes need context to be told from ordinary numbers: a reference needs a word such as "case" or "ref" beside
it, a date of birth a word such as "DOB" or "born", a name a title ("Mrs Brown") or a relationship ("child called
Jayden"). NHS numbers are recognised only with a valid modulus-11 check digit.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class IdentifierKind(StrEnum):
    """The kinds of identifier the check recognises, as a refusal names them."""

    nhs_number = "NHS number"
    unique_pupil_number = "unique pupil number"
    national_insurance_number = "National Insurance number"
    case_reference = "case or record reference"
    date_of_birth = "date of birth"
    postcode = "postcode"
    phone_number = "phone number"
    email_address = "email address"
    personal_name = "person's name"


@dataclass(frozen=True, slots=True)
class Found:
    """Where an identifier-like pattern is in a text (its kind and span; a refusal gives only the kind)."""

    kind: IdentifierKind
    start: int
    end: int


NHS_WEIGHTS = range(10, 1, -1)


def nhs_check_digit_valid(digits: str) -> bool:
    """Modulus 11 over the first nine digits, weighted 10 down to 2: 11 - (sum mod 11) is the tenth digit (11 reads
    as 0; 10 means no number was ever issued with those nine digits)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits, NHS_WEIGHTS, strict=False))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


_NHS = re.compile(r"(?<![\w/.-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\w/-]|\.\d)")
# DfE's UPN: a check letter (not I, O or S), the LA's three digits, two of the year, six of a serial, and a digit
# (or, for a temporary UPN, a letter) in the thirteenth place.
_UPN = re.compile(r"(?<![\w-])[A-HJ-NP-RT-Z]\d{11}[0-9A-HJ-NP-RT-Z](?![\w-])", re.IGNORECASE)
# HMRC: two prefix letters (D, F, I, Q, U, V never; O never second; BG, GB, KN, NK, NT, TN, ZZ not issued), six
# digits (often written in pairs) and a suffix A-D.
_NINO = re.compile(
    r"(?<![\w-])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w-])",
    re.IGNORECASE,
)
_REFERENCE_WORDS = (
    r"case|ref|reference|record|file|client|person|child|pupil|id|lcs|raise|ics|mosaic|carefirst|liquidlogic|ehm"
)
_REFERENCE_AFTER_WORD = re.compile(
    rf"\b(?:{_REFERENCE_WORDS})\b[\s.:#-]*(?P<marker>(?:no|num|number|ref|reference|id)\b[\s.:#-]*)?"
    r"(?P<number>[A-Z]{0,3}\d[\d/-]{3,})(?![\w/-])",
    re.IGNORECASE,
)
_REFERENCE_BEFORE_WORD = re.compile(
    rf"(?<![\w/.-])\d{{6,}}\s*(?:(?:{_REFERENCE_WORDS})\b|(?:no|number)\b)", re.IGNORECASE
)
_YEARISH = re.compile(r"^(?:19|20)\d{2}(?:[/-]\d{2}(?:\d{2})?)?$")
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{2,4}}|(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|(?:{_MONTHS})\.?\s+\d{{4}}|\d{{4}})"  # noqa: E501
_BIRTH = re.compile(
    rf"(?:\b(?:d\.?o\.?b\b\.?|date\s+of\s+birth)[\s:,-]*(?:(?:is|was|of|as)\s+)?|\bborn\s+(?:on\s+|in\s+)?)"
    rf"(?:the\s+)?{_DATE}",
    re.IGNORECASE,
)
# Royal Mail's shapes, in capitals as addresses write them; the inward code's letters are never C, I, K, M, O or V.
_POSTCODE = re.compile(
    r"(?<![\w-])(?:GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?) ?\d[ABD-HJLNP-UW-Z]{2})"
    r"(?![\w-])"
)
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?[\s-]?\d{3,4}[\s-]?\d{3,4}(?![\w/-])")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\b\.?\s+(?:[A-Z]\.?\s+)*[A-Z](?:[a-z]+|'[A-Z][a-z]+)(?:-[A-Z][a-z]+)?")
_PEOPLE = (
    r"child|young\s+person|boy|girl|baby|infant|toddler|teenager|sibling|pupil|student|son|daughter|brother|sister|"
    r"mother|father|mum|dad|parent|carer|grandparent|grandmother|grandfather|nan|aunt|uncle|stepfather|stepmother|"
    r"man|woman|lad|young\s+man|young\s+woman|family"
)
_FAMILY = (
    r"mother|father|mum|dad|brother|sister|grandmother|grandfather|nan|aunt|uncle|stepfather|stepmother|son|daughter|"
    r"carer|foster\s+carer|social\s+worker|partner|boyfriend|girlfriend"
)
_CALLED = re.compile(
    rf"\b(?:{_PEOPLE})\b,?\s+(?:(?:who\s+)?(?:is|was)\s+)?(?:called|named|known\s+as)\s+[A-Z][a-z]+", re.IGNORECASE
)
_CALLED_NAME = re.compile(r"(?:called|named|known\s+as)\s+(?P<name>\S+)$", re.IGNORECASE)
_RELATIVE_NAMED = re.compile(rf"\b(?:[Hh]is|[Hh]er|[Tt]heir)\s+(?:{_FAMILY})\s*,?\s+[A-Z][a-z]+\b")
_POSSESSIVE = re.compile(rf"\b[A-Z][a-z]+'s\s+(?:{_FAMILY})\b")
# Words a capital after "her mother" or before "'s mother" may be without naming anyone.
_NOT_NAMES = frozenset({"The", "This", "That", "And", "But", "Who", "When", "Was", "Is", "Has", "Had", "Council", "It"})


def _nhs_numbers(text: str) -> Iterator[Found]:
    for match in _NHS.finditer(text):
        if nhs_check_digit_valid("".join(match.groups())):
            yield Found(IdentifierKind.nhs_number, match.start(), match.end())


def _references(text: str) -> Iterator[Found]:
    for match in _REFERENCE_AFTER_WORD.finditer(text):
        number = match["number"]
        digits = sum(character.isdigit() for character in number)
        # "case 2016" may be a year; "case no. 2016" is a number
        if digits >= 4 and (match["marker"] or not _YEARISH.match(number)):
            yield Found(IdentifierKind.case_reference, match.start(), match.end())
    for match in _REFERENCE_BEFORE_WORD.finditer(text):
        yield Found(IdentifierKind.case_reference, match.start(), match.end())


def _phones(text: str) -> Iterator[Found]:
    for match in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        national = digits[2:] if digits.startswith("44") and match.group().startswith("+") else digits.lstrip("0")
        if len(national) in (9, 10) and (match.group().startswith("+") or digits.startswith("0")):
            yield Found(IdentifierKind.phone_number, match.start(), match.end())


def _names(text: str) -> Iterator[Found]:
    for pattern in (_TITLED, _RELATIVE_NAMED):
        for match in pattern.finditer(text):
            if match.group().split()[-1] not in _NOT_NAMES:
                yield Found(IdentifierKind.personal_name, match.start(), match.end())
    for match in _CALLED.finditer(text):
        called = _CALLED_NAME.search(match.group())
        if called is not None and called["name"][0].isupper() and called["name"] not in _NOT_NAMES:
            yield Found(IdentifierKind.personal_name, match.start(), match.end())
    for match in _POSSESSIVE.finditer(text):
        if match.group().split("'")[0] not in _NOT_NAMES:
            yield Found(IdentifierKind.personal_name, match.start(), match.end())


def _simple(pattern: re.Pattern[str], kind: IdentifierKind) -> Callable[[str], Iterator[Found]]:
    def find(text: str) -> Iterator[Found]:
        return (Found(kind, match.start(), match.end()) for match in pattern.finditer(text))

    return find


FINDERS: tuple[Callable[[str], Iterator[Found]], ...] = (
    _nhs_numbers,
    _simple(_UPN, IdentifierKind.unique_pupil_number),
    _simple(_NINO, IdentifierKind.national_insurance_number),
    _references,
    _simple(_BIRTH, IdentifierKind.date_of_birth),
    _simple(_POSTCODE, IdentifierKind.postcode),
    _phones,
    _simple(_EMAIL, IdentifierKind.email_address),
    _names,
)


def find_identifiers(text: str) -> list[Found]:
    """Every identifier-like pattern in the text, in the order they occur (one span may be found as two kinds)."""
    found = [hit for finder in FINDERS for hit in finder(text)]
    return sorted(found, key=lambda hit: (hit.start, hit.end, hit.kind.name))


def identifier_kinds(text: str) -> list[IdentifierKind]:
    """The kinds of identifier the text seems to hold, each once, in the order first found; none: []."""
    return list(dict.fromkeys(hit.kind for hit in find_identifiers(text)))


def refusal(kinds: list[IdentifierKind]) -> str:
    """What a 422 says of a field holding identifiers: the kinds, never the text."""
    named = ", ".join(kind.value for kind in kinds)
    return (
        f"looks like it holds an identifier ({named}): the service holds no child-level personal data, so write it "
        "without the names, numbers, dates or addresses that identify anyone"
    )


def no_identifiers(text: str) -> str:
    """A validator for free text: the text unchanged, or ValueError naming the kinds of identifier in it."""
    kinds = identifier_kinds(text)
    if kinds:
        raise ValueError(refusal(kinds))
    return text
