// A yearly or quarterly KPI's in-year figures on its page: each month and quarter of a year with the year to date,
// the rolling twelve months and the year to date against the year's profiled target, charted and tabled.
import { ApiError } from "../api.js";
import { chartFigure, describe } from "../charts.js";
import { h, table } from "../dom.js";
import { figure, period, rating } from "../format.js";
import { filterForm, select } from "./common.js";

/** The KPIs' period types that have months or quarters within them (the service's combining.IN_YEAR). */
export const IN_YEAR_TYPES = ["financial_year", "academic_year", "financial_quarter"];
const FIRST_YEAR = 2015; // the strategy's baseline year, 2015/16

function yearCode(prefix, start) {
  return `${prefix}${start}-${String((start + 1) % 100).padStart(2, "0")}`;
}

/** The years to choose from: the strategy's baseline year to this one (or the one shown, if later), newest first. */
function years(kpi, shown) {
  const prefix = kpi.period_type === "academic_year" ? "AY" : "FY";
  const now = new Date();
  const turn = prefix === "AY" ? 8 : 3; // September or April
  const current = now.getMonth() >= turn ? now.getFullYear() : now.getFullYear() - 1;
  const last = Math.max(current, Number(/^\w\w(\d{4})/.exec(shown ?? "")?.[1] ?? current));
  const codes = [];
  for (let start = last; start >= FIRST_YEAR; start -= 1) codes.push(yearCode(prefix, start));
  return codes;
}

function chooser(kpi, params, shown) {
  const scope = params.get("scope");
  return filterForm(`kpis/${kpi.code}`, "Choose the year", [
    select("year", "Year", years(kpi, shown).map((code) => [code, period(code)]), shown, "The latest with figures"),
    scope ? h("input", { type: "hidden", name: "scope", value: scope }) : null,
  ]);
}

function source(row) {
  if (row.figure.source === null) return "";
  const words = row.figure.source === "submitted" ? "Submitted" : "Combined from its months";
  return `${words}${row.figure.provisional ? " (provisional)" : ""}`;
}

/** A combined figure as shown, or why it cannot be worked out when the period has a figure to work from. */
function combined(one, row, { explain }) {
  if (one.value !== null) return one.display;
  if (explain && row.figure.value !== null && one.reason) return h("span", { class: "muted" }, one.reason);
  return "–";
}

function periodsTable(body) {
  return table({
    caption: `${body.title}: each month and quarter of ${period(body.year)}`,
    head: ["Period", "Figure", "Source", "Year to date", "Rolling twelve months", "Profiled target", "Year to date against the profile"],
    rows: body.periods.map((row) => ({
      attributes: { "data-period": row.period },
      cells: [
        row.period_type === "financial_quarter" ? h("strong", {}, row.label) : row.label,
        row.figure.value === null ? "–" : row.figure.display,
        source(row),
        combined(row.year_to_date, row, { explain: true }),
        combined(row.rolling_twelve_months, row, { explain: false }),
        row.profiled_target_display ?? "–",
        row.year_to_date.value === null ? "–" : rating(row.rating),
      ],
    })),
    numeric: [1, 3, 4, 5],
  });
}

/** The year to date against the profile, by month where there are months' figures, else by quarter. */
function chart(body) {
  const monthly = body.periods.filter((row) => row.period_type === "month");
  const rows = monthly.some((row) => row.year_to_date.value !== null) ? monthly : body.periods.filter((row) => row.period_type !== "month");
  if (!rows.some((row) => row.year_to_date.value !== null)) return null;
  const number = (value) => (value === null || value === undefined ? null : Number(value));
  const format = (value) => figure(value, body.unit, body.decimal_places);
  const labels = rows.map((row) => row.label);
  const series = [
    { label: "Year to date", style: "ours", values: rows.map((row) => number(row.year_to_date.value)) },
    { label: "Profiled target", style: "target", values: rows.map((row) => number(row.profiled_target)) },
  ].filter((one) => one.values.some((value) => value !== null));
  return chartFigure({
    id: "in-year-chart",
    caption: `${body.title}: the year to date in ${period(body.year)} against the profiled target`,
    summary: `Line chart. ${describe(series, labels, format)}.`,
    labels,
    series,
    format,
  });
}

/** The in-year section and the charts to draw once it is on the page. */
export async function inYear({ api, kpi, params }) {
  const path = `/api/v1/kpis/${encodeURIComponent(kpi.code)}/in-year`;
  let body;
  try {
    body = await api.get(path, { year: params.get("year"), scope: params.get("scope") });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 422) throw error;
    const section = h("section", { id: "in-year", "aria-labelledby": "in-year-heading" }, h("h2", { id: "in-year-heading" }, "In-year"), chooser(kpi, params, null), h("p", { role: "alert" }, `No in-year figures for that: ${error.detail ?? error.title}`));
    return { section, mounts: [] };
  }
  const figures = body.periods.some((row) => row.figure.source !== null);
  const drawn = figures ? chart(body) : null;
  const section = h(
    "section",
    { id: "in-year", "aria-labelledby": "in-year-heading" },
    h("h2", { id: "in-year-heading" }, "In-year"),
    h("p", {}, `Each month and quarter of ${period(body.year)}, with the year so far and the last twelve months. ${body.combine_rule}`),
    chooser(kpi, params, body.year),
    figures
      ? [
          body.profile_basis ? null : h("p", {}, `There is no target profile for ${period(body.year)}, so the year to date is not rated.`),
          drawn?.figure,
          periodsTable(body),
        ]
      : h("p", { id: "in-year-none" }, `No monthly or quarterly figures have been submitted for ${period(body.year)}.`),
  );
  return { section, mounts: drawn ? [drawn.mount] : [] };
}
