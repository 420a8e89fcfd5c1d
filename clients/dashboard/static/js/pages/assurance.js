// The assurance programme (section 6 of the delivery plan): how practice was graded, team by team and quarter by
// quarter; the themes audits and observations keep finding; and the actions they raised or evidenced, with progress.
import { h, table } from "../dom.js";
import { day, flags, label, owners, rag } from "../format.js";
import { choices, dateField, filterForm, select } from "./common.js";

const FILTERS = ["kind", "from", "to"];

// Ofsted's four-point scale, best first: a symbol and the words, with colour only as a third cue.
const GRADES = {
  outstanding: { symbol: "★", word: "Outstanding", tone: "green" },
  good: { symbol: "✔", word: "Good", tone: "green" },
  requires_improvement: { symbol: "●", word: "Requires improvement", tone: "amber" },
  inadequate: { symbol: "✖", word: "Inadequate", tone: "red" },
};
const ORDER = Object.keys(GRADES);

export function grade(value) {
  if (!value) return "Not graded";
  const shown = GRADES[value] ?? { symbol: "", word: label(value), tone: "grey" };
  return h("span", { class: `badge badge--${shown.tone}` }, h("span", { "aria-hidden": "true" }, shown.symbol), shown.word);
}

/** A theme as stored (voice-of-the-child) in words (Voice of the child). */
function themeWords(theme) {
  return label(theme.replaceAll("-", " "));
}

function counts(tally) {
  return [...ORDER.map((one) => String(tally.counts[one])), String(tally.graded), String(tally.not_graded)];
}

const COUNT_HEAD = [...ORDER.map((one) => GRADES[one].word), "Graded", "Not graded"];

/** Each team's quarters with any activity, then the team's total; quarters with nothing are left out. */
function gradingsTable(report) {
  const rows = report.teams.flatMap((team) => {
    const active = team.quarters.filter((quarter) => quarter.graded + quarter.not_graded > 0);
    return [
      ...active.map((quarter) => ({ attributes: { "data-team": team.team ?? "", "data-quarter": quarter.quarter }, cells: [team.team_name, quarter.label, ...counts(quarter)] })),
      { attributes: { class: "subtotal", "data-team": team.team ?? "", "data-quarter": "total" }, cells: [h("strong", {}, team.team_name), h("strong", {}, "All quarters"), ...counts(team.total)] },
    ];
  });
  return table({
    caption: `Gradings by team and quarter, ${day(report.from_date)} to ${day(report.to_date)}`,
    head: ["Team", "Quarter", ...COUNT_HEAD],
    rows,
    foot: ["Every team", "All quarters", ...counts(report.total)],
    numeric: [2, 3, 4, 5, 6, 7],
  });
}

function quartersTable(report) {
  return table({
    caption: "Gradings by quarter, every team",
    head: ["Quarter", ...COUNT_HEAD],
    rows: report.by_quarter.map((quarter) => ({ attributes: { "data-quarter": quarter.quarter }, cells: [quarter.label, ...counts(quarter)] })),
    numeric: [1, 2, 3, 4, 5, 6],
  });
}

function themesView(report, teamNames) {
  if (!report.items.length) return h("p", { id: "themes" }, `No theme has been found by ${report.min_count} or more activities in this time.`);
  return h(
    "div",
    { id: "themes" },
    table({
      caption: `Themes found by ${report.min_count} or more activities, the most often found first`,
      head: ["Theme", "Found by", "Kinds of activity", "Teams", "First found", "Last found"],
      rows: report.items.map((one) => ({
        attributes: { "data-theme": one.theme },
        cells: [
          themeWords(one.theme),
          `${one.count} ${one.count === 1 ? "activity" : "activities"}`,
          one.kinds.map(label).join(", "),
          one.teams.map((key) => teamNames.get(key) ?? key).join(", ") || "Across teams",
          day(one.first_seen),
          day(one.last_seen),
        ],
      })),
      numeric: [1],
    }),
  );
}

function activityWords(one, teamNames) {
  const team = one.team ? teamNames.get(one.team) ?? one.team : "across teams";
  return h("li", {}, `${one.relation === "raises" ? "Raised by" : "Evidenced by"} a ${label(one.kind).toLowerCase()} (${team}, ${day(one.carried_out_on)})`, one.grading ? [" ", grade(one.grading)] : null);
}

function actionsView(report, teamNames) {
  if (!report.items.length) return h("p", { id: "assurance-actions" }, "No activity has raised or evidenced a business improvement action in this time.");
  return h(
    "div",
    { id: "assurance-actions" },
    table({
      caption: `Business improvement actions arising from assurance, progress as at ${day(report.as_of)}`,
      head: ["Action", "Owners", "Status", "RAG", "Complete", "Last update", "Assurance"],
      rows: report.items.map((item) => ({
        attributes: { "data-action": item.action },
        cells: [
          [h("strong", {}, item.what), item.archived ? h("p", { class: "muted" }, "Archived") : null],
          item.owners.length ? owners(item.owners.map((code) => ({ code }))) : "None named",
          label(item.status),
          rag(item.rag),
          item.percent_complete === null ? "–" : `${item.percent_complete}%`,
          [item.last_update_on ? day(item.last_update_on) : "None", " ", flags(item)],
          h("ul", { class: "history" }, item.activities.map((one) => activityWords(one, teamNames))),
        ],
      })),
      numeric: [4],
    }),
  );
}

export async function render({ api, params }) {
  const query = Object.fromEntries(FILTERS.map((name) => [name, params.get(name)]));
  const dated = { from: query.from, to: query.to };
  const [gradings, themes, actions, kinds, teams] = await Promise.all([
    api.get("/api/v1/assurance-reports/gradings", { ...dated, kind: query.kind }),
    api.get("/api/v1/assurance-reports/themes", { ...dated, kind: query.kind }),
    api.get("/api/v1/assurance-reports/actions", dated),
    choices(api, "AssuranceKind"),
    api.all("/api/v1/teams"),
  ]);
  const teamNames = new Map(teams.map((team) => [team.key, team.name]));
  const recorded = gradings.total.graded + gradings.total.not_graded;
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, "Assurance programme"),
    h("p", { class: "lede" }, "Case file audits, practice observations, team performance reviews, multi-agency audits, thematic reviews and members' visits: how practice was graded, what keeps being found, and what is being done about it."),
    filterForm("assurance", "Filter the assurance programme", [
      select("kind", "Kind of activity", kinds.map((one) => [one, label(one)]), query.kind, "Every graded kind"),
      dateField("from", "Carried out from", query.from),
      dateField("to", "Carried out to", query.to),
    ]),
    h("h2", {}, "Gradings"),
    h(
      "ul",
      { class: "summary", id: "grade-counts", "aria-label": "Activities by grade" },
      ORDER.map((one) => h("li", { "data-grade": one }, grade(one), " ", h("span", { class: "count" }, String(gradings.total.counts[one])))),
      h("li", { "data-grade": "none" }, "Not graded ", h("span", { class: "count" }, String(gradings.total.not_graded))),
    ),
    recorded
      ? [gradingsTable(gradings), quartersTable(gradings)]
      : h("p", { id: "no-gradings" }, `No activities of these kinds were recorded between ${day(gradings.from_date)} and ${day(gradings.to_date)}.`),
    h("h2", {}, "Recurring themes"),
    themesView(themes, teamNames),
    h("h2", {}, "Actions arising"),
    actionsView(actions, teamNames),
  );
  return { title: "Assurance programme", body };
}
