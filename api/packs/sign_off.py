"""Where each KPI figure a pack shows stands at sign-off. In a body that requires sign-off (Cabinet, the CYP Select
Committee) a figure is final only once approved; one awaiting sign-off, or returned, is never left out: it is shown
marked, beside the last approved figure for the period where there is one."""

from api.governance.models import GovernanceBody
from api.kpis import rating
from api.kpis.models import Kpi
from api.kpis.status import Standing
from api.packs.schemas import ApprovedFigure, PackKpi, PackSignOff
from api.signoffs.book import Decided
from api.signoffs.models import Decision, SignOffState
from api.signoffs.service import signed_off
from api.snapshot import Snapshot


def sign_off_of(standing: Standing, inputs: Snapshot, body: GovernanceBody) -> PackSignOff | None:
    figure = standing.value
    if figure is None or not signed_off(standing.kpi, standing.scope):
        return None
    decided = inputs.sign_offs.get((standing.kpi.id, figure.period), [])
    mine = next((d for d in decided if d.revision == figure.revision), None)
    state = SignOffState(mine.decision.value) if mine else SignOffState.awaiting_sign_off
    approved = [d for d in decided if d.decision is Decision.approved and d.revision < figure.revision]
    shown_approved = state is SignOffState.approved
    return PackSignOff(
        state=state,
        final=shown_approved or not body.requires_sign_off,
        revision=figure.revision,
        decided_at=mine.decided_at if mine else None,
        decided_by=mine.decided_by if mine else None,
        reasons=mine.reasons if mine else None,
        approved=_approved(standing.kpi, approved[-1]) if approved and not shown_approved else None,
    )


def _approved(kpi: Kpi, decided: Decided) -> ApprovedFigure:
    value = decided.value
    return ApprovedFigure(
        revision=decided.revision,
        value=value,
        display=rating.display(value, kpi),
        status_symbol=decided.status_symbol,
        approved_at=decided.decided_at,
        approved_by=decided.decided_by,
    )


def not_final(kpi: PackKpi) -> bool:
    return kpi.sign_off is not None and not kpi.sign_off.final


def marking(kpi: PackKpi) -> str:
    """What a figure that is not final is printed with: "awaiting sign-off; last approved: 8% (revision 1)"."""
    sign_off = kpi.sign_off
    if sign_off is None or sign_off.final:
        return ""
    words = "returned at sign-off" if sign_off.state is SignOffState.returned else "awaiting sign-off"
    approved = sign_off.approved
    if approved is None:
        return f"{words}; no approved figure yet"
    shown = approved.display or (approved.status_symbol or "")
    return f"{words}; last approved: {shown}"
