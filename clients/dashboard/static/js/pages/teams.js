// Teams and localities: who manages each, the service it answers to and what it rolls up to; and, for a KPI and a
// period, each team's figure, the teams combined by the KPI's rule and the borough's own figure beside them.
import { ApiError } from "../api.js";
import { facts, h, table } from "../dom.js";
import { figure, label, period } from "../format.js";
import { filterForm, select } from "./common.js";

const COMBINE = {
  sum: "Counts of events: the teams' figures add up.",
  latest: "A snapshot: a count adds up across teams; a percentage needs each team's numerator and denominator.",
  ratio: "A rate: the teams' numerators added up over their denominators added up.",
};

function teamsTable(teams, parents, names) {
  return table({
    caption: "Teams and localities",
    head: ["Team", "Kind", "Service it answers to", "Manager", "Rolls up to"],
    rows: teams.map((team) => ({
      attributes: { "data-team": team.key },
      cells: [
        h("div", {}, h("strong", {}, team.name), team.description ? h("p", { class: "muted" }, team.description) : null),
        label(team.kind),
        team.service_owner ? (names.get(team.service_owner) ? `${team.service_owner}: ${names.get(team.service_owner)}` : team.service_owner) : "Not stated",
        team.manager_role ?? "Not stated",
        team.parent ? parents.get(team.parent) ?? team.parent : "Nothing (its figures reach no borough)",
      ],
    })),
  });
}

function shown(one, format) {
  if (!one || one.revision === null) return "No figure";
  if (one.value === null) return one.status_symbol ?? "Withheld";
  return one.display ?? format(one.value);
}

function signed(value, format) {
  if (value === null || value === undefined) return null;
  const number = Number(value);
  return `${number > 0 ? "+" : number < 0 ? "−" : ""}${format(Math.abs(number))}`;
}

function rollUpView(body) {
  const format = (value) => figure(value, body.unit, body.decimal_places);
  const count = (value) => (value === null ? "–" : figure(value, "count"));
  const combined = body.combined;
  return h(
    "div",
    { id: "roll-up" },
    h("h2", {}, `${body.title}: ${period(body.period)} by team`),
    table({
      caption: `${body.title}, ${period(body.period)}: each team's figure`,
      head: ["Team", "Figure", "Numerator", "Denominator", "Revision"],
      rows: body.teams.map((team) => ({
        attributes: { "data-team": team.team },
        cells: [team.name, shown(team, format), count(team.numerator), count(team.denominator), team.revision === null ? "–" : String(team.revision)],
      })),
      numeric: [1, 2, 3, 4],
    }),
    h(
      "div",
      { class: "panel" },
      facts([
        ["How teams combine", COMBINE[body.combine] ?? label(body.combine)],
        [
          "The teams combined",
          combined.value === null
            ? h("span", { id: "combined" }, h("strong", {}, "Cannot be combined: "), combined.reason)
            : h("span", { id: "combined" }, combined.display ?? format(combined.value)),
        ],
        ["The borough's own figure", h("span", { id: "borough" }, body.borough ? shown(body.borough, format) : "None submitted")],
        [
          "Difference (borough minus teams)",
          h("span", { id: "difference" }, body.difference === null ? "Cannot be worked out: it needs both figures" : signed(body.difference, format)),
        ],
      ]),
    ),
  );
}

async function rollUp(api, kpi, when) {
  if (!kpi) return h("p", { id: "roll-up" }, "Choose a KPI and a period to see each team's figure and the teams combined.");
  if (!when) return h("p", { id: "roll-up" }, "Give a period to see each team's figure for it.");
  try {
    return rollUpView(await api.get(`/api/v1/kpis/${encodeURIComponent(kpi)}/teams`, { period: when }));
  } catch (error) {
    if (!(error instanceof ApiError) || ![404, 422].includes(error.status)) throw error;
    return h("p", { id: "roll-up", role: "alert" }, `No roll-up for that: ${error.detail ?? error.title}`);
  }
}

export async function render({ api, params }) {
  const kpi = params.get("kpi");
  const when = params.get("period");
  const [teams, kpis, people, view] = await Promise.all([
    api.all("/api/v1/teams"),
    api.all("/api/v1/kpis"),
    api.all("/api/v1/owners"),
    rollUp(api, kpi, when),
  ]);
  const parents = new Map(teams.map((team) => [team.key, team.name]));
  const outside = [...new Set(teams.map((team) => team.parent).filter((key) => key && !parents.has(key)))];
  for (const scope of await Promise.all(outside.map((key) => api.find(`/api/v1/scopes/${encodeURIComponent(key)}`)))) {
    if (scope) parents.set(scope.key, scope.name);
  }
  const names = new Map(people.map((one) => [one.code, one.full_name]));
  const form = filterForm(
    "teams",
    "Choose a KPI and a period",
    [
      select("kpi", "KPI", kpis.map((one) => [one.code, one.title]), kpi, "Choose a KPI", { wide: true }),
      h(
        "div",
        { class: "field" },
        h("label", { for: "period" }, "Period"),
        h("input", { id: "period", name: "period", type: "text", value: when ?? "", "aria-describedby": "period-hint", autocomplete: "off" }),
        h("span", { id: "period-hint", class: "hint" }, "A year (2016/17), a quarter (FY2016-17-Q1) or a month (2016-07)."),
      ),
    ],
    { submit: "Show by team" },
  );
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, "Teams"),
    h("p", { class: "lede" }, "Team managers and service managers are accountable for their own information. Each team's figures roll up to the borough's."),
    teams.length ? teamsTable(teams, parents, names) : h("p", {}, "No teams have been set up yet."),
    h("h2", {}, "A KPI by team"),
    form,
    view,
  );
  return { title: "Teams", body };
}
