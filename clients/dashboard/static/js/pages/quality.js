// The data-quality report: what in the strategy's data is wrong, missing or inferred, filtered by severity and check.
import { h, table } from "../dom.js";
import { label } from "../format.js";
import { choices, filterForm, select } from "./common.js";

const SEVERITY = {
  // The API's rating symbols for red and amber; ▲ ▼ ◆ are kept for a figure's movement.
  error: { symbol: "✖", word: "Error", tone: "red" },
  warning: { symbol: "●", word: "Warning", tone: "amber" },
  info: { symbol: "ℹ", word: "Information", tone: "grey" },
};

function severity(value) {
  const shown = SEVERITY[value] ?? { symbol: "", word: label(value), tone: "grey" };
  return h("span", { class: `badge badge--${shown.tone}` }, h("span", { "aria-hidden": "true" }, shown.symbol), shown.word);
}

export async function render({ api, params }) {
  const query = { severity: params.get("severity"), check: params.get("check"), resource: params.get("resource") };
  const [report, checks, severities] = await Promise.all([
    api.get("/api/v1/data-quality", query),
    choices(api, "Check"),
    choices(api, "Severity"),
  ]);
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, "Data quality"),
    h("p", { class: "lede" }, "What the service found wrong, missing or inferred in the strategy's data: fix errors, supply what warnings ask for."),
    h("ul", { class: "summary", "aria-label": "Issues by severity" }, Object.entries(SEVERITY).map(([key]) => h("li", {}, severity(key), ` ${report.summary[key] ?? 0}`))),
    filterForm("data-quality", "Filter the issues", [
      select("severity", "Severity", severities.map((one) => [one, SEVERITY[one]?.word ?? label(one)]), query.severity, "Any severity"),
      select("check", "Check", checks.map((one) => [one, label(one)]), query.check, "Any check"),
    ]),
    h("p", { role: "status" }, `${report.issues.length} ${report.issues.length === 1 ? "issue" : "issues"}.`),
    report.issues.length
      ? table({
          caption: "Data-quality issues",
          head: ["Severity", "Check", "Record", "Field", "What is wrong", "Value"],
          rows: report.issues.map((one) => [severity(one.severity), label(one.check), `${label(one.resource)} ${one.key}`, one.field ?? "", one.message, one.value ?? ""]),
        })
      : h("p", {}, "No issues match."),
    h("p", { class: "muted" }, `Checked ${new Date(report.generated_at).toLocaleString("en-GB")}.`),
  );
  return { title: "Data quality", body };
}
