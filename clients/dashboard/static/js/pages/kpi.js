// One KPI: its series against the target, England and the statistical neighbours' average; every revision of every
// figure; and what has been said about them.
import { chartFigure, describe } from "../charts.js";
import { facts, h, table } from "../dom.js";
import { byPeriod, figure, label, moment, period, periodRange, rating } from "../format.js";
import { href } from "../route.js";
import { IN_YEAR_TYPES, inYear } from "./in-year.js";
import { SIGN_OFF_STATE } from "./sign-offs.js";

const POLARITY = { higher_better: "Higher is better", lower_better: "Lower is better", none: "No better direction" };

function latestRevisions(values) {
  const latest = new Map();
  for (const one of values) {
    const held = latest.get(one.period);
    if (!held || one.revision > held.revision) latest.set(one.period, one);
  }
  return latest;
}

/** Periods from every source, in time order; each series aligned to them. */
function seriesOf(kpi, values, benchmark) {
  const ours = latestRevisions(values);
  const points = new Map((benchmark?.series ?? []).map((point) => [point.period, point]));
  const targets = new Map(kpi.targets.filter((one) => one.value !== null).map((one) => [one.period, Number(one.value)]));
  const periods = periodRange([...ours.keys(), ...points.keys(), ...targets.keys()]);
  const number = (value) => (value === null || value === undefined ? null : Number(value));
  const model = (benchmark?.series ?? []).flatMap((point) => point.neighbours.map((one) => one.model)).sort().at(-1);
  const series = [
    { label: "Stockton-on-Tees", style: "ours", values: periods.map((one) => number(ours.get(one)?.value ?? points.get(one)?.subject?.value)) },
    { label: "England", style: "england", values: periods.map((one) => number(points.get(one)?.england?.value)) },
    {
      label: `Statistical neighbours' average${model ? ` (${model} model)` : ""}`,
      style: "neighbours",
      values: periods.map((one) => number(points.get(one)?.neighbours.find((group) => group.model === model)?.mean)),
    },
    { label: "Target", style: "target", values: periods.map((one) => targets.get(one) ?? null) },
  ].filter((one) => one.values.some((value) => value !== null));
  return { periods, series };
}

/** Where a revision stands at sign-off, in words: who decided and when, and why a figure was returned. */
function signOffWords(one) {
  const state = SIGN_OFF_STATE[one.sign_off_state];
  if (!state) return "Not signed off (a comparator's figure)";
  const decided = one.sign_off;
  if (!decided) return state.word;
  const by = `${state.word} by ${decided.decided_by}, ${moment(decided.decided_at)}`;
  return decided.reasons ? `${by}: ${decided.reasons}` : by;
}

/** The sign-off of the figure the status shows, and the approved revision where that one is not approved. */
function latestSignOff(values, shown) {
  const one = values.find((value) => value.period === shown.period && value.revision === shown.revision);
  if (!one) return null;
  const words = signOffWords(one);
  const approved = one.approved_revision;
  return approved && approved !== one.revision ? `${words}; revision ${approved} is the approved figure` : words;
}

function revisions(values, format) {
  const rows = [...values].sort((a, b) => byPeriod(b.period, a.period) || b.revision - a.revision);
  if (!rows.length) return h("p", {}, "No figures have been submitted for this KPI yet.");
  return table({
    caption: "Every figure and revision, newest period first",
    head: ["Period", "Revision", "Figure", "Submitted", "By", "Source", "Reason for the revision", "Sign-off"],
    rows: rows.map((one) => [
      period(one.period),
      String(one.revision),
      `${one.value === null ? one.status_symbol ?? "–" : format(one.value)}${one.provisional ? " (provisional)" : ""}`,
      moment(one.submitted_at),
      one.submitted_by,
      one.source ?? "",
      one.reason ?? "",
      signOffWords(one),
    ]),
    numeric: [1, 2],
  });
}

function commentary(kpi, values) {
  const notes = [...values].filter((one) => one.note).sort((a, b) => byPeriod(b.period, a.period) || b.revision - a.revision);
  const items = [
    ...notes.map((one) => h("li", {}, h("p", {}, one.note), h("p", { class: "muted" }, `${period(one.period)}, revision ${one.revision}: ${one.submitted_by}, ${moment(one.submitted_at)}`))),
    kpi.baseline_note ? h("li", {}, h("p", {}, kpi.baseline_note), h("p", { class: "muted" }, `On the baseline (${period(kpi.baseline_period)})`)) : null,
    kpi.note ? h("li", {}, h("p", {}, kpi.note), h("p", { class: "muted" }, "On the KPI's definition")) : null,
  ].filter(Boolean);
  return items.length ? h("ul", { class: "history" }, items) : h("p", {}, "Nothing has been said about this KPI's figures yet.");
}

function targetsSet(kpi, status, format) {
  const set = kpi.targets.map((one) => `${one.value === null ? label(one.kind) : format(one.value)} for ${period(one.period)}`);
  const none = status.period ? `None for ${period(status.period)}` : "None to rate against yet";
  return set.length ? `${none}; set: ${set.join(", ")}` : "None set";
}

export async function render({ api, parts, params }) {
  const code = parts[1];
  const path = `/api/v1/kpis/${encodeURIComponent(code ?? "")}`;
  const scope = params.get("scope");
  const [kpi, status] = await Promise.all([api.get(path), api.get(`${path}/status`, { scope })]);
  const [values, year] = await Promise.all([
    api.all(`${path}/values`, { scope: status.scope, history: "true" }),
    IN_YEAR_TYPES.includes(kpi.period_type) ? inYear({ api, kpi, params }) : null,
  ]);
  // A benchmark stands on a figure of ours: without one the service has none to give (404), so it is not asked.
  const benchmark = values.some((one) => one.value !== null) ? await api.find(`${path}/benchmark`, { scope }) : null;
  const format = (value) => figure(value, kpi.unit, kpi.decimal_places);
  const { periods, series } = seriesOf(kpi, values, benchmark);
  const labels = periods.map(period);
  const mounts = [...(year?.mounts ?? [])];
  let chart = h("p", {}, "No figures to chart yet: the series appears once figures are submitted or DfE's statistics imported.");
  if (series.length && periods.length) {
    const drawn = chartFigure({
      id: "kpi-chart",
      caption: `${kpi.title}: figures by period`,
      summary: `Line chart. ${describe(series, labels, format)}.`,
      labels,
      series,
      format,
    });
    chart = drawn.figure;
    mounts.push(drawn.mount);
  }
  const england = status.comparators.find((one) => one.scope === "england");
  const body = h(
    "div",
    {},
    h("p", {}, h("a", { href: href("scorecard", { tier: kpi.tier }) }, `Back to the ${label(kpi.tier)} scorecard`)),
    h("h1", { tabindex: "-1" }, kpi.title),
    kpi.description ? h("p", { class: "lede" }, kpi.description) : null,
    h(
      "div",
      { class: "panel" },
      h("p", {}, rating(status.rating), " ", status.rating.reason),
      facts([
        ["Latest figure", status.figure ? `${status.figure.display} (${period(status.figure.period)})` : "None yet"],
        ["Sign-off", status.figure ? latestSignOff(values, status.figure) : null],
        ["Target", status.target ? `${status.target.display} (${period(status.target.period)})` : targetsSet(kpi, status, format)],
        ["Direction of travel", status.vs_previous ? `${status.vs_previous.word}: ${status.vs_previous.reason}` : null],
        ["Against last year", status.vs_last_year ? `${status.vs_last_year.word}: ${status.vs_last_year.reason}` : null],
        ["England", england ? `${england.display ?? "–"}${england.words ? `: ${england.words}` : ""}` : null],
        ["Statistical neighbours", status.benchmark?.neighbours?.display ? `${status.benchmark.neighbours.display} (average of ${status.benchmark.neighbours.with_figure})` : null],
        ["National rank", status.benchmark?.rank ? `${status.benchmark.rank.position} of ${status.benchmark.rank.of}` : null],
        ["Polarity", POLARITY[kpi.polarity]],
        ["Reported", `${label(kpi.period_type)}; ${label(kpi.tier)}`],
        ["Focus area", kpi.focus_area ? h("a", { href: href("actions", { focus_area: kpi.focus_area }) }, `Actions in ${label(kpi.focus_area.replaceAll("-", " "))}`) : null],
        ["Baseline", kpi.baseline_value !== null ? `${format(kpi.baseline_value)} (${period(kpi.baseline_period)})` : null],
      ]),
    ),
    h("h2", {}, "The series"),
    chart,
    year?.section,
    h("h2", {}, "Commentary"),
    commentary(kpi, values),
    h("h2", {}, "Revision history"),
    revisions(values, format),
  );
  return { title: kpi.title, body, mounts };
}
