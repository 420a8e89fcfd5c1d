// Who sees what: each governance body, the routing rules that send items to it, and its packs.
import { facts, h } from "../dom.js";
import { label } from "../format.js";
import { download } from "./common.js";

const KINDS = {
  transformation_project: "Transformation projects",
  business_improvement_action: "Business improvement actions",
  kpi: "KPIs",
  performance_exception: "Performance exceptions",
  focus_area_progress: "Focus area progress summaries",
};

function ruleWords(rule) {
  const scope = [
    rule.kpi_tier ? `${label(rule.kpi_tier)} tier` : null,
    rule.focus_area ? `in ${label(rule.focus_area.replaceAll("-", " "))}` : null,
    rule.owner ? `owned by ${rule.owner}` : null,
  ].filter(Boolean);
  return h("li", {}, h("strong", {}, KINDS[rule.item_kind] ?? label(rule.item_kind)), scope.length ? ` (${scope.join(", ")})` : "", rule.report ? `: ${rule.report}` : "", rule.note ? h("p", { class: "muted" }, rule.note) : null);
}

/** A body's pack for the current period, fetched with the dashboard's key and opened or saved by the browser. */
function packLink(api, body, format, text) {
  return download(api, `/api/v1/governance-bodies/${encodeURIComponent(body.key)}/pack`, format, `${body.key}-pack`, text);
}

export async function render({ api }) {
  const [bodies, rules] = await Promise.all([api.all("/api/v1/governance-bodies"), api.all("/api/v1/routing-rules")]);
  const live = rules.filter((rule) => !rule.archived_at);
  const cards = bodies.map((body) => {
    const routed = live.filter((rule) => rule.body === body.key);
    return h(
      "li",
      { class: "card", "data-body": body.key },
      h("h2", { id: `body-${body.key}` }, body.name),
      facts([
        ["Status", label(body.status)],
        ["Meets", `${label(body.cadence)}${body.cadence_inferred ? " (inferred, not stated in the strategy)" : ""}`],
        ["Chaired or owned by", body.owner],
      ]),
      body.description ? h("p", {}, body.description) : null,
      h("h3", {}, "Sees"),
      routed.length ? h("ul", {}, routed.map(ruleWords)) : h("p", {}, "No routing rule sends anything here."),
      routed.length
        ? [
            h("h3", {}, "Its pack"),
            h("ul", { class: "links", "aria-label": `${body.name}: pack downloads` }, [
              h("li", {}, packLink(api, body, "html", "Printable pack (HTML)")),
              h("li", {}, packLink(api, body, "pdf", "Meeting papers (PDF)")),
              h("li", {}, packLink(api, body, "xlsx", "Workbook (Excel)")),
              h("li", {}, packLink(api, body, "csv", "Spreadsheet (CSV)")),
              h("li", {}, packLink(api, body, "json", "Data (JSON)")),
            ]),
          ]
        : null,
    );
  });
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, "Who sees what"),
    h("p", { class: "lede" }, "Each governance body, what the routing rules send it, and its pack for the current period. Transformation projects go to the Children's (Programme) Board, business improvement actions to CSMT, Council Plan KPIs and overall progress to Cabinet and the CYP Select Committee."),
    h("ul", { class: "cards" }, cards),
  );
  return { title: "Who sees what", body };
}
