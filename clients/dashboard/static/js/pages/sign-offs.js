// Awaiting sign-off, for an accountable officer: the figures whose latest revision no one has approved or returned
// yet, oldest first, with the owner accountable for each; or, by the state chosen, those approved or returned.
import { h, table } from "../dom.js";
import { label, moment, period } from "../format.js";
import { href } from "../route.js";
import { filterForm, pager, select } from "./common.js";

const LIMIT = 50;
const FILTERS = ["state", "owner", "kpi"];

export const SIGN_OFF_STATE = {
  awaiting_sign_off: { word: "Awaiting sign-off" },
  approved: { word: "Approved" },
  returned: { word: "Returned" },
  superseded: { word: "Superseded (corrected before a decision)" },
};

function rows(items) {
  return items.map((item) => ({
    attributes: { "data-figure": `${item.kpi}:${item.scope}:${item.period}` },
    cells: [
      h("a", { href: href(`kpis/${item.kpi}`) }, item.kpi_title),
      item.scope,
      period(item.period),
      String(item.revision),
      item.value === null ? item.status_symbol ?? "–" : String(item.value),
      moment(item.submitted_at),
      item.submitted_by,
      item.accountable_owner ?? "Any approver",
      SIGN_OFF_STATE[item.sign_off_state]?.word ?? label(item.sign_off_state),
    ],
  }));
}

export async function render({ api, params }) {
  const query = Object.fromEntries(FILTERS.map((name) => [name, params.get(name)]));
  const [page, people] = await Promise.all([
    api.get("/api/v1/sign-offs", { ...query, page: params.get("page") ?? 1, limit: LIMIT }),
    api.all("/api/v1/owners"),
  ]);
  const state = query.state ?? "awaiting_sign_off";
  const states = ["approved", "returned"];
  const form = filterForm("sign-offs", "Filter the figures", [
    select("state", "Where the figure stands", states.map((one) => [one, SIGN_OFF_STATE[one].word]), query.state, "Awaiting sign-off"),
    select("owner", "Accountable owner", people.map((one) => [one.code, one.full_name ? `${one.code}: ${one.full_name}` : one.code]), query.owner, "Any owner"),
  ]);
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, "Awaiting sign-off"),
    h("p", { class: "lede" }, "A figure reaches Cabinet, the CYP Select Committee and the public as final only once the officer accountable for it has approved it. A correction needs approving again."),
    form,
    h("p", { role: "status", id: "result-count" }, `${page.total} ${page.total === 1 ? "figure" : "figures"} ${SIGN_OFF_STATE[state].word.toLowerCase()}, oldest first.`),
    page.items.length
      ? table({
          caption: `Figures ${SIGN_OFF_STATE[state].word.toLowerCase()}`,
          head: ["KPI", "Scope", "Period", "Revision", "Figure", "Submitted", "By", "Accountable", "Sign-off"],
          rows: rows(page.items),
          numeric: [3, 4],
        })
      : h("p", {}, "No figures match."),
    pager("sign-offs", params, page.total, LIMIT),
  );
  return { title: "Awaiting sign-off", body };
}
