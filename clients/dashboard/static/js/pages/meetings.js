// Meetings: each governance body's meetings, the packs issued for the date as the agenda (in every format), the other
// agenda items, and the decisions log with the items each decision concerns and the actions arising.
import { facts, h } from "../dom.js";
import { day, label, owners } from "../format.js";
import { dateField, download, filterForm, select } from "./common.js";

const FILTERS = ["body", "from", "to"];
const SHOWN = 20; // meetings drawn at once, latest first
const FORMATS = { html: "Printable (HTML)", pdf: "Papers (PDF)", xlsx: "Workbook (Excel)", csv: "Spreadsheet (CSV)", json: "Data (JSON)" };
const OUTCOMES = { tested: "Procedure change tested", approved: "Procedure change approved", rejected: "Procedure change rejected" };

function agenda(api, meeting) {
  const packs = meeting.agenda.packs.map((pack) =>
    h(
      "li",
      { "data-pack": String(pack.id) },
      `Pack${pack.period ? ` for ${pack.period}` : ""}, as at ${day(pack.as_at)} (version ${pack.version}, issued by ${pack.issued_by}): `,
      h(
        "ul",
        { class: "links", "aria-label": `Issued pack ${pack.id}, version ${pack.version}` },
        pack.links.map((link) => h("li", {}, download(api, `/api/v1/packs/${pack.id}`, link.format, `pack-${pack.id}-v${pack.version}`, FORMATS[link.format] ?? link.format))),
      ),
    ),
  );
  const items = meeting.agenda.items.map((item) => h("li", { "data-item": item.ref }, item.title ?? item.ref, h("span", { class: "muted" }, ` (${item.ref})`)));
  if (!packs.length && !items.length) return h("p", {}, "No pack has been issued for this meeting, and nothing else is on its agenda.");
  return h("ul", {}, packs, items);
}

function arising(action) {
  const due = action.due_text ? `, due ${action.due_text}` : "";
  return h("li", { "data-action": action.key }, action.what, " (", owners(action.owners), `${due}; ${label(action.status)})`);
}

function decision(one) {
  return h(
    "li",
    { "data-decision": String(one.number) },
    h("p", {}, h("strong", {}, `${one.number}. `), one.text),
    facts([
      ["Reasons", one.reasons],
      ["Concerns", one.concerns.length ? one.concerns.join(", ") : null],
      ["Outcome", one.procedure_outcome ? OUTCOMES[one.procedure_outcome] : null],
      ["Recorded by", one.recorded_by],
    ]),
    one.actions_arising.length ? [h("p", {}, "Actions arising:"), h("ul", {}, one.actions_arising.map(arising))] : null,
  );
}

function card(api, meeting, names) {
  return h(
    "li",
    { class: "card", "data-meeting": String(meeting.id) },
    h("h2", { id: `meeting-${meeting.id}` }, `${names[meeting.body] ?? meeting.body}, ${day(meeting.meeting_date)}`),
    facts([
      ["Status", label(meeting.status)],
      ["Title", meeting.title],
      ["Where", meeting.location],
      ["Notes", meeting.notes],
    ]),
    h("h3", {}, "Agenda"),
    agenda(api, meeting),
    h("h3", {}, "Decisions"),
    meeting.decisions.length ? h("ol", { class: "decisions" }, meeting.decisions.map(decision)) : h("p", {}, "No decision recorded."),
  );
}

export async function render({ api, params }) {
  const query = Object.fromEntries(FILTERS.map((name) => [name, params.get(name)]));
  const [bodies, page] = await Promise.all([
    api.all("/api/v1/governance-bodies"),
    api.get("/api/v1/meetings", { ...query, limit: SHOWN }),
  ]);
  const meetings = await Promise.all(page.items.map((meeting) => api.get(`/api/v1/meetings/${meeting.id}`)));
  const names = Object.fromEntries(bodies.map((body) => [body.key, body.name]));
  const body = h(
    "div",
    {},
    h("h1", { tabindex: "-1" }, "Meetings and decisions"),
    h("p", { class: "lede" }, "Each governance body's meetings, latest first: the packs issued for the meeting as its agenda, and what it decided, with the actions arising and their owners."),
    filterForm("meetings", "Filter meetings", [
      select("body", "Body", bodies.map((one) => [one.key, one.name]), query.body, "Every body", { wide: true }),
      dateField("from", "Meetings from", query.from),
      dateField("to", "Meetings to", query.to),
    ]),
    meetings.length
      ? h("ul", { class: "cards", id: "meetings" }, meetings.map((meeting) => card(api, meeting, names)))
      : h("p", { id: "no-meetings" }, "No meeting is recorded for these filters."),
    page.total > SHOWN ? h("p", { class: "muted" }, `The latest ${SHOWN} of ${page.total} meetings; narrow the dates to see others.`) : null,
  );
  return { title: "Meetings and decisions", body };
}
