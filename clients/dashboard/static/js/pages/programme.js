// The transformation programme: projects with RAG and progress, and savings (target, forecast and delivered) by
// financial year with the programme's totals; reported to the Children's (Programme) Board.
import { chartFigure } from "../charts.js";
import { h, table } from "../dom.js";
import { day, flags, label, period, pounds, rag } from "../format.js";
import { history } from "./common.js";

/** The financial years a strategy runs over: April to March, FY2016-17 for April 2016. */
function financialYears(strategies) {
  const years = new Set();
  for (const one of strategies) {
    const start = new Date(`${one.period_start_date}T00:00:00`);
    const end = new Date(`${one.period_end_date}T00:00:00`);
    for (let at = new Date(start); at <= end; at.setMonth(at.getMonth() + 1)) {
      const first = at.getMonth() >= 3 ? at.getFullYear() : at.getFullYear() - 1;
      years.add(`FY${first}-${String((first + 1) % 100).padStart(2, "0")}`);
    }
  }
  return [...years].sort();
}

function sum(list, field) {
  return list.reduce((total, one) => total + (one.totals[field] ?? 0), 0);
}

export async function render({ api }) {
  const [projects, strategies, areas] = await Promise.all([
    api.all("/api/v1/projects"),
    api.all("/api/v1/strategies"),
    api.all("/api/v1/focus-areas"),
  ]);
  const years = financialYears(strategies);
  const savings = await Promise.all(years.map((fy) => api.get("/api/v1/projects/savings", { fy })));
  const areaTitle = new Map(areas.map((one) => [one.key, one.title]));
  const projectTitle = new Map(projects.map((one) => [one.key, one.title]));
  const labels = years.map(period);
  const drawn = chartFigure({
    id: "savings-chart",
    type: "bar",
    caption: "Savings by financial year: target, forecast and delivered",
    summary: `Bar chart of the programme's savings. ${savings.map((one) => `${period(one.financial_year)}: target ${pounds(one.totals.target_pence)}, forecast ${pounds(one.totals.forecast_pence)}, delivered ${pounds(one.totals.delivered_pence)}`).join("; ")}.`,
    labels,
    series: [
      { label: "Target", style: "planned", values: savings.map((one) => one.totals.target_pence / 100) },
      { label: "Forecast", style: "forecast", values: savings.map((one) => one.totals.forecast_pence / 100) },
      { label: "Delivered", style: "delivered", values: savings.map((one) => one.totals.delivered_pence / 100) },
    ],
    format: (value) => (value === null || value === undefined ? "–" : pounds(Math.round(value * 100))),
    yTitle: "£",
  });
  const savingsRows = savings.flatMap((one) =>
    one.projects.map((row) => [period(one.financial_year), projectTitle.get(row.project) ?? row.project, pounds(row.target_pence), pounds(row.forecast_pence), pounds(row.delivered_pence), pounds(row.forecast_gap_pence)]),
  );
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, "Transformation programme"),
    h("p", { class: "lede" }, `${projects.length} major change and transformation projects, reported to the Children's (Programme) Board.`),
    h("h2", {}, "Savings"),
    drawn.figure,
    table({
      caption: "Savings by project and financial year",
      head: ["Year", "Project", "Target", "Forecast", "Delivered", "Forecast short of target"],
      rows: savingsRows,
      foot: ["Programme", `${years.length} years`, pounds(sum(savings, "target_pence")), pounds(sum(savings, "forecast_pence")), pounds(sum(savings, "delivered_pence")), pounds(sum(savings, "forecast_gap_pence"))],
      numeric: [2, 3, 4, 5],
    }),
    h("h2", {}, "Projects"),
    table({
      caption: "Transformation projects",
      head: ["Project", "Focus areas", "Lead", "Business case (PID)", "Deadline", "Status", "RAG", "Progress", "Savings target"],
      rows: projects.map((item) => ({
        attributes: { "data-project": item.key },
        cells: [
          h("div", {}, h("strong", {}, item.title), item.description ? h("p", { class: "muted" }, item.description) : null, history(api, `/api/v1/projects/${encodeURIComponent(item.key)}/updates`, item.last_update_on ? null : 0)),
          item.focus_areas.map((key) => areaTitle.get(key) ?? key).join("; "),
          item.lead ? (item.lead.full_name ? h("abbr", { title: item.lead.full_name }, item.lead.code) : item.lead.code) : "None named",
          label(item.pid_status),
          [item.deadline_text ?? "Not given", item.deadline_date ? ` (${day(item.deadline_date)})` : ""],
          [label(item.status), " ", flags(item)],
          rag(item.rag),
          item.percent_complete === null ? "–" : h("span", {}, h("progress", { max: "100", value: String(item.percent_complete), "aria-label": `${item.title}: ${item.percent_complete}% complete` }), ` ${item.percent_complete}%`),
          item.savings_target_pence !== null ? `${pounds(item.savings_target_pence)}${item.savings_target_text ? ` by ${item.savings_target_text}` : ""}` : "None",
        ],
      })),
    }),
  );
  return { title: "Transformation programme", body, mounts: [drawn.mount] };
}
