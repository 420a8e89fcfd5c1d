from datetime import date

import pytest

from api.delivery import DueKind, parse_due


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("Apr 2016", DueKind.dated, date(2016, 4, 30)),
        ("April 2016", DueKind.dated, date(2016, 4, 30)),
        ("Sep 2016", DueKind.dated, date(2016, 9, 30)),
        ("December 2016", DueKind.dated, date(2016, 12, 31)),
        ("June 2016", DueKind.dated, date(2016, 6, 30)),
        ("Sep 2106", DueKind.dated, date(2106, 9, 30)),
        ("March 2018", DueKind.dated, date(2018, 3, 31)),
        ("by 2018", DueKind.dated, date(2018, 3, 31)),
        ("2016/17", DueKind.dated, date(2017, 3, 31)),
        ("Ongoing", DueKind.ongoing, None),
        # Ongoing through a year ends with it (seed/README.md, judgement 52); plain "Ongoing" is never due.
        ("Ongoing in 2016/17", DueKind.dated, date(2017, 3, 31)),
        ("ongoing during Sep 2016", DueKind.dated, date(2016, 9, 30)),
        ("Ongoing in the service", DueKind.ongoing, None),
        ("Annual plan and implementation", DueKind.annual, None),
        ("When resources allow", DueKind.unparsed, None),
        (None, DueKind.unspecified, None),
        ("  ", DueKind.unspecified, None),
    ],
)
def test_when_cells_are_read_as_the_document_means_them(text: str | None, kind: DueKind, due: date | None) -> None:
    parsed = parse_due(text)
    assert (parsed.kind, parsed.due_date) == (kind, due)


def test_text_is_kept_as_written_with_whitespace_folded() -> None:
    assert parse_due("Ongoing \n in 2016/17").text == "Ongoing in 2016/17"
