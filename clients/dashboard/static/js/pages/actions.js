// The action tracker: business improvement actions filtered by focus area, owner, status, RAG, overdue and stale,
// each with its update history. The filters are the address, so a view can be shared.
import { h, table } from "../dom.js";
import { day, flags, label, owners, rag } from "../format.js";
import { checkbox, choices, filterForm, history, pager, select } from "./common.js";

const LIMIT = 50;
const FILTERS = ["focus_area", "owner", "status", "rag", "overdue", "stale", "q"];

export async function render({ api, params }) {
  const query = Object.fromEntries(FILTERS.map((name) => [name, params.get(name)]));
  const [page, areas, people, statuses, rags] = await Promise.all([
    api.get("/api/v1/actions", { ...query, page: params.get("page") ?? 1, limit: LIMIT }),
    api.all("/api/v1/focus-areas"),
    api.all("/api/v1/owners"),
    choices(api, "DeliveryStatus"),
    choices(api, "Rag"),
  ]);
  const areaTitle = new Map(areas.map((one) => [one.key, one.title]));
  const form = filterForm(
    "actions",
    "Filter the actions",
    [
      select("focus_area", "Focus area", areas.map((one) => [one.key, one.title]), query.focus_area, "All focus areas"),
      select("owner", "Owner", people.map((one) => [one.key, one.full_name ? `${one.code}: ${one.full_name}` : one.code]), query.owner, "Any owner"),
      select("status", "Status", statuses.map((one) => [one, label(one)]), query.status, "Any status"),
      select("rag", "RAG", rags.map((one) => [one, label(one)]), query.rag, "Any RAG"),
      checkbox("overdue", "Overdue only", query.overdue),
      checkbox("stale", "Stale only", query.stale),
      h("div", { class: "field" }, h("label", { for: "q" }, "Words in the action"), h("input", { id: "q", name: "q", type: "search", value: query.q ?? "" })),
    ],
    { submit: true },
  );
  const filtered = FILTERS.some((name) => query[name]);
  const rows = page.items.map((item) => ({
    attributes: { "data-action": item.key },
    cells: [
      h("div", {}, h("strong", {}, item.what), item.detail ? h("p", { class: "muted" }, item.detail) : null, history(api, `/api/v1/actions/${encodeURIComponent(item.key)}/updates`, item.last_update_on ? null : 0)),
      areaTitle.get(item.focus_area) ?? item.focus_area,
      owners(item.owners),
      [item.due_text ?? "Not given", item.due_date ? h("br") : null, item.due_date ? h("span", { class: "muted" }, `by ${day(item.due_date)}`) : null],
      label(item.status),
      rag(item.rag),
      item.percent_complete === null ? "–" : `${item.percent_complete}%`,
      [item.last_update_on ? day(item.last_update_on) : "None", " ", flags(item)],
    ],
  }));
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, "Action tracker"),
    h("p", { class: "lede" }, "The strategy's business improvement actions, reported to the Children's Services Management Team."),
    form,
    h("p", { role: "status", id: "result-count" }, `${page.total} ${page.total === 1 ? "action" : "actions"}${filtered ? " match these filters" : ""}.`),
    rows.length
      ? table({
          caption: "Business improvement actions",
          head: ["Action", "Focus area", "Owners", "Due", "Status", "RAG", "Complete", "Last update"],
          rows,
          numeric: [6],
        })
      : h("p", {}, "No actions match. Clear a filter to see more."),
    pager("actions", params, page.total, LIMIT),
  );
  return { title: "Action tracker", body };
}
