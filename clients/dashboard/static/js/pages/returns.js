// The KPI returns calendar, for a performance officer chasing figures: the returns owed as at a date counted by
// status (missing and late first), who has the most to send, and every return with its due date and owners.
import { h, table } from "../dom.js";
import { day, label } from "../format.js";
import { href } from "../route.js";
import { choices, filterForm, pager, select } from "./common.js";

const LIMIT = 50;
const FILTERS = ["status", "owner", "as_at"];

// Missing and late first: what needs chasing. The symbols are the API's rating symbols' shapes, so a status reads the
// same in colour, in grey print and to a screen reader.
export const RETURN_STATUS = {
  missing: { symbol: "✖", word: "Missing", tone: "red", means: "past its due date, nothing received" },
  late: { symbol: "●", word: "Late", tone: "amber", means: "received after its due date" },
  due: { symbol: "○", word: "Due", tone: "grey", means: "not yet received, not yet past its due date" },
  received: { symbol: "✔", word: "Received", tone: "green", means: "received by its due date" },
};

export function returnStatus(value) {
  const shown = RETURN_STATUS[value] ?? { symbol: "", word: label(value), tone: "grey" };
  return h("span", { class: `badge badge--${shown.tone}` }, h("span", { "aria-hidden": "true" }, shown.symbol), shown.word);
}

function today() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

function plural(count, one, many) {
  return `${count} ${count === 1 ? one : many}`;
}

/** An owner's code, with its full title on hover where the service has one. */
function ownerCode(code, names) {
  const name = names.get(code);
  return name ? h("abbr", { title: name }, code) : code;
}

/** The headline: each status's count for the owner and date chosen, each a link to the returns with that status. */
function headline(counts, query, asAt) {
  return h(
    "ul",
    { class: "summary", id: "return-counts", "aria-label": `Returns by status as at ${day(asAt)}` },
    Object.keys(RETURN_STATUS).map((status) =>
      h(
        "li",
        { "data-status": status, title: RETURN_STATUS[status].means },
        h("a", { href: href("returns", { owner: query.owner ?? "", as_at: query.as_at ?? "", status }) }, returnStatus(status), " ", h("span", { class: "count" }, String(counts[status]))),
      ),
    ),
  );
}

/** Missing returns by who submits them: who to chase first, the longest overdue at the top. */
function chaseList(missing, query, names) {
  if (!missing.length) return h("p", { id: "chase" }, "Nothing is missing: there is no one to chase.");
  const byOwner = new Map();
  for (const one of missing) {
    const held = byOwner.get(one.submitting_owner) ?? { count: 0, longest: 0, oldest: one.due_date, accountable: new Set() };
    held.count += 1;
    held.longest = Math.max(held.longest, one.days_late ?? 0);
    held.oldest = one.due_date < held.oldest ? one.due_date : held.oldest;
    held.accountable.add(one.accountable_owner);
    byOwner.set(one.submitting_owner, held);
  }
  const rows = [...byOwner.entries()]
    .sort(([a, x], [b, y]) => y.longest - x.longest || y.count - x.count || (a < b ? -1 : 1))
    .map(([owner, held]) => ({
      attributes: { "data-owner": owner },
      cells: [
        h("a", { href: href("returns", { owner, status: "missing", as_at: query.as_at ?? "" }) }, ownerCode(owner, names)),
        String(held.count),
        day(held.oldest),
        plural(held.longest, "day", "days"),
        [...held.accountable].sort().map((code, index) => [index ? ", " : "", ownerCode(code, names)]),
      ],
    }));
  return h(
    "div",
    { id: "chase" },
    table({
      caption: "Who to chase: missing returns by the owner who submits them, longest overdue first",
      head: ["Submitted by", "Missing", "Oldest due", "Longest overdue", "Accountable"],
      rows,
      numeric: [1, 3],
    }),
  );
}

function received(item) {
  if (!item.received_at) return "Not yet";
  // the service judges a return by its day in England, wherever the dashboard is read
  return new Date(item.received_at).toLocaleDateString("en-GB", { timeZone: "Europe/London", day: "numeric", month: "short", year: "numeric" });
}

function rows(items, names) {
  return items.map((item) => ({
    attributes: { "data-return": `${item.kpi}:${item.period}` },
    cells: [
      h("a", { href: href(`kpis/${item.kpi}`) }, item.kpi_title),
      item.period_label,
      day(item.due_date),
      returnStatus(item.status),
      item.days_late === null ? "–" : String(item.days_late),
      received(item),
      ownerCode(item.submitting_owner, names),
      ownerCode(item.accountable_owner, names),
    ],
  }));
}

export async function render({ api, params }) {
  const query = Object.fromEntries(FILTERS.map((name) => [name, params.get(name)]));
  const asAt = query.as_at ?? today();
  const counted = { owner: query.owner, as_at: query.as_at };
  const order = Object.keys(RETURN_STATUS);
  const [page, people, statuses, missing, ...totals] = await Promise.all([
    api.get("/api/v1/returns", { ...query, page: params.get("page") ?? 1, limit: LIMIT }),
    api.all("/api/v1/owners"),
    choices(api, "ReturnStatus"),
    api.all("/api/v1/returns", { ...counted, status: "missing" }),
    ...order.map((status) => api.get("/api/v1/returns", { ...counted, status, limit: 1 })),
  ]);
  const counts = Object.fromEntries(order.map((status, index) => [status, totals[index].total]));
  const names = new Map(people.map((one) => [one.code, one.full_name]));
  const ranked = [...statuses].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const form = filterForm("returns", "Filter the returns", [
    select("status", "Status", ranked.map((one) => [one, RETURN_STATUS[one]?.word ?? label(one)]), query.status, "Any status"),
    select("owner", "Owner (accountable or submitting)", people.map((one) => [one.code, one.full_name ? `${one.code}: ${one.full_name}` : one.code]), query.owner, "Any owner"),
    h(
      "div",
      { class: "field" },
      h("label", { for: "as_at" }, "As at"),
      h("input", { id: "as_at", name: "as_at", type: "date", value: query.as_at ?? "", "aria-describedby": "as_at-hint" }),
      h("span", { id: "as_at-hint", class: "hint" }, "Leave empty for today."),
    ),
  ]);
  const filtered = Boolean(query.status || query.owner);
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, "Returns"),
    h("p", { class: "lede" }, "The figures each KPI's owners owe the performance team, when they are due and which have come in. A return is missing once its due date has passed with nothing received."),
    h("h2", {}, `Returns owed as at ${day(asAt)}${query.as_at ? "" : " (today)"}${query.owner ? ` for ${query.owner}` : ""}`),
    headline(counts, query, asAt),
    form,
    h("h2", {}, "Who to chase"),
    chaseList(missing, query, names),
    h("h2", {}, "Every return"),
    h("p", { role: "status", id: "result-count" }, `${plural(page.total, "return", "returns")}${filtered ? " match these filters" : ""}, earliest due first.`),
    page.items.length
      ? table({
          caption: `Returns as at ${day(asAt)}`,
          head: ["KPI", "Period", "Due", "Status", "Days late", "Received", "Submitted by", "Accountable"],
          rows: rows(page.items, names),
          numeric: [4],
        })
      : h("p", {}, "No returns match. Clear a filter, or choose a later date."),
    pager("returns", params, page.total, LIMIT),
  );
  return { title: "Returns", body };
}
