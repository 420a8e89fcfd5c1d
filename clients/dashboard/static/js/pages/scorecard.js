// The Council Plan scorecard: a tile per KPI in the plan's order with figure, target, rating word and symbol,
// direction of travel, England and the statistical neighbours, and a trend.
import { sparkline } from "../charts.js";
import { facts, h } from "../dom.js";
import { byPeriod, figure, label, period, rating } from "../format.js";
import { go, href } from "../route.js";

const TIERS = ["council_plan", "service_indicator", "management_information", "context"];
const TIER_NAMES = {
  council_plan: "Council Plan KPIs",
  service_indicator: "Service indicators",
  management_information: "Management information",
  context: "Borough profile (context)",
};

function travel(item) {
  const moved = item.vs_previous;
  if (!moved) return null;
  return h("span", { title: moved.reason }, h("span", { "aria-hidden": "true" }, `${moved.symbol} `), moved.word, moved.against ? ` since ${period(moved.against)}` : "");
}

function comparisons(item) {
  const england = item.comparators.find((one) => one.scope === "england");
  const neighbours = item.benchmark?.neighbours;
  return [
    ["England", england ? `${england.display ?? "–"}${england.words ? ` (${england.words})` : ""}` : null],
    ["Neighbours", neighbours?.display ? `${neighbours.display} average of ${neighbours.with_figure}` : null],
    ["National rank", item.benchmark?.rank ? `${item.benchmark.rank.position} of ${item.benchmark.rank.of}` : null],
  ];
}

function tile(item) {
  const shown = item.figure;
  return h(
    "li",
    {},
    h(
      "article",
      { class: `tile tile--${item.rating.status}`, "data-kpi": item.code, "aria-labelledby": `kpi-${item.code}` },
      h("h2", { id: `kpi-${item.code}` }, h("a", { href: href(`kpis/${item.code}`, { scope: item.scope }) }, item.title)),
      h("p", { class: "tile__figure" }, shown?.display ?? "No figure yet"),
      h("p", { class: "muted" }, shown ? `${period(shown.period)}${shown.provisional ? " (provisional)" : ""}` : item.baseline_value !== null ? `Baseline ${figure(item.baseline_value, item.unit, item.decimal_places)} (${period(item.baseline_period)})` : ""),
      h("p", {}, rating(item.rating)),
      facts([
        ["Target", item.target ? `${item.target.display} (${period(item.target.period)})` : shown ? `None for ${period(shown.period)}` : "None to rate against yet"],
        ["Travel", travel(item)],
        ...comparisons(item),
      ]),
    ),
  );
}

async function trend(api, item) {
  const values = await api.all(`/api/v1/kpis/${encodeURIComponent(item.code)}/values`, { scope: item.scope });
  const points = values.filter((one) => one.value !== null).sort((a, b) => byPeriod(a.period, b.period));
  if (points.length < 2) return null;
  const format = (value) => figure(value, item.unit, item.decimal_places);
  const first = points[0];
  const last = points[points.length - 1];
  return sparkline({
    summary: `Trend from ${period(first.period)} (${format(first.value)}) to ${period(last.period)} (${format(last.value)}), ${points.length} figures.`,
    labels: points.map((one) => period(one.period)),
    values: points.map((one) => Number(one.value)),
  });
}

function filters(params, areas) {
  const tier = h("select", { id: "tier", name: "tier" }, TIERS.map((one) => h("option", { value: one, selected: one === (params.get("tier") ?? "council_plan") }, TIER_NAMES[one])));
  const area = h("select", { id: "focus_area", name: "focus_area" }, h("option", { value: "" }, "All focus areas"), areas.map((one) => h("option", { value: one.key, selected: one.key === params.get("focus_area") }, one.title)));
  const form = h(
    "form",
    { class: "filters", "aria-label": "Which KPIs" },
    h("div", { class: "field" }, h("label", { for: "tier" }, "KPIs"), tier),
    h("div", { class: "field" }, h("label", { for: "focus_area" }, "Focus area"), area),
  );
  form.addEventListener("change", () => {
    const next = { tier: tier.value, focus_area: area.value };
    go("scorecard", next);
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  return form;
}

export async function render({ api, params }) {
  const tier = params.get("tier") ?? "council_plan";
  const query = { tier, focus_area: params.get("focus_area"), period: params.get("period"), scope: params.get("scope") };
  const [card, areas] = await Promise.all([api.get("/api/v1/scorecard", query), api.all("/api/v1/focus-areas")]);
  const counts = card.summary;
  const words = { green: "On target", amber: "Near target", red: "Off target", not_rated: "Not rated" };
  const tiles = card.items.map(tile);
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, `${TIER_NAMES[tier] ?? label(tier)}: scorecard`),
    h("p", { class: "lede" }, `${card.items.length} KPIs for ${card.scope === "stockton-on-tees" ? "Stockton-on-Tees" : card.scope}, ${card.period ? period(card.period) : "each at its latest figure"}, in the strategy's order. Each rating says why when you point at it; each title opens the KPI's series and history.`),
    filters(params, areas),
    h("ul", { class: "summary", "aria-label": "KPIs by rating" }, Object.entries(words).map(([status, word]) => h("li", {}, h("span", { class: `badge badge--${status}` }, `${word}: ${counts[status]}`)))),
    card.items.length ? h("ol", { class: "tiles", id: "tiles" }, tiles) : h("p", {}, "No KPIs match."),
  );
  // Trends follow the tiles: the figures show first, the sparklines as their series arrive.
  const after = () =>
    card.items.forEach(async (item, index) => {
      try {
        const spark = await trend(api, item);
        if (!spark || !tiles[index].isConnected) return;
        tiles[index].querySelector("article").append(spark.box);
        spark.mount();
      } catch {
        // a tile without its trend is still a tile
      }
    });
  return { title: "Scorecard", body, after };
}
