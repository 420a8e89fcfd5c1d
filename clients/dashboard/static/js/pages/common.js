// Pieces the tracker and the programme share: filters in a form that write the address, an item's update history
// loaded when it is opened, the enumerations the service documents, and paging.
import { h } from "../dom.js";
import { day, label, rag } from "../format.js";
import { go, href } from "../route.js";

let documented = null;

/** The values of an enumeration as the service's OpenAPI document lists them (fetched once per visit). */
export async function choices(api, name) {
  documented ??= fetch(`${api.base}/openapi.json`).then((response) => response.json());
  return (await documented).components.schemas[name]?.enum ?? [];
}

export function select(id, text, options, chosen, any, { wide = false } = {}) {
  return h(
    "div",
    { class: wide ? "field field--wide" : "field" },
    h("label", { for: id }, text),
    h(
      "select",
      { id, name: id },
      h("option", { value: "" }, any),
      options.map(([value, words]) => h("option", { value, selected: value === chosen }, words)),
    ),
  );
}

/** A link to a pack in one format, fetched with the dashboard's key and opened or saved by the browser as `name.format`. */
export function download(api, path, format, name, text) {
  return h("a", {
    href: api.url(path, { format }),
    "data-format": format,
    onclick: async (event) => {
      event.preventDefault();
      const link = event.currentTarget;
      link.setAttribute("aria-busy", "true");
      try {
        const blob = await api.blob(path, { format });
        const url = URL.createObjectURL(blob);
        const save = h("a", { href: url, download: `${name}.${format}` });
        document.body.append(save);
        save.click();
        save.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } catch (error) {
        link.after(h("span", { role: "alert" }, ` The pack could not be made: ${error.detail ?? error.message}`));
      } finally {
        link.removeAttribute("aria-busy");
      }
    },
  }, text);
}

export function dateField(id, text, value) {
  return h("div", { class: "field" }, h("label", { for: id }, text), h("input", { id, name: id, type: "date", value: value ?? "" }));
}

export function checkbox(id, text, chosen) {
  return h(
    "div",
    { class: "field field--check" },
    h("input", { id, name: id, type: "checkbox", value: "true", checked: chosen === "true" }),
    h("label", { for: id }, text),
  );
}

/** A form whose every change is written to the address (`page` starts again at 1) and shown; `submit`: a button, or its words. */
export function filterForm(page, label_, fields, { submit = false } = {}) {
  const button = submit ? h("div", { class: "field" }, h("button", { type: "submit" }, submit === true ? "Search" : submit)) : null;
  const form = h("form", { class: "filters", "aria-label": label_, role: "search" }, fields, button);
  const apply = () => {
    const values = {};
    for (const element of form.elements) {
      if (!element.name) continue;
      if (element.type === "checkbox") {
        if (element.checked) values[element.name] = "true";
      } else if (element.value) {
        values[element.name] = element.value;
      }
    }
    go(page, values);
  };
  form.addEventListener("change", (event) => {
    if (event.target.type !== "search") apply();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });
  return form;
}

/** Progress updates of an action or project, fetched when its history is opened. */
export function history(api, path, count) {
  const list = h("div", {});
  const details = h("details", {}, h("summary", {}, count === 0 ? "No updates yet" : "Update history"), list);
  let loaded = false;
  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    loaded = true;
    list.replaceChildren(h("p", { role: "status" }, "Loading…"));
    try {
      const body = await api.get(path);
      const updates = [...body.items].sort((a, b) => (a.as_of < b.as_of ? 1 : -1));
      list.replaceChildren(
        updates.length
          ? h(
              "ol",
              { class: "history" },
              updates.map((one) =>
                h(
                  "li",
                  {},
                  h("p", {}, h("strong", {}, day(one.as_of)), " ", label(one.status), " ", rag(one.rag), one.percent_complete !== null ? ` ${one.percent_complete}% complete` : ""),
                  one.commentary ? h("p", {}, one.commentary) : null,
                  h("p", { class: "muted" }, `Recorded by ${one.created_by}`),
                ),
              ),
            )
          : h("p", {}, "No progress has been recorded yet."),
      );
    } catch (error) {
      loaded = false;
      list.replaceChildren(h("p", { role: "alert" }, `The history could not be loaded: ${error.detail ?? error.message}`));
    }
  });
  return details;
}

/** Previous and next pages, kept in the address. */
export function pager(page, params, total, limit) {
  const current = Number(params.get("page") ?? "1");
  const pages = Math.max(1, Math.ceil(total / limit));
  if (pages === 1) return null;
  const at = (number) => href(page, Object.fromEntries([...params, ["page", String(number)]]));
  return h(
    "nav",
    { "aria-label": "Pages of results" },
    h(
      "ul",
      { class: "pager" },
      current > 1 ? h("li", {}, h("a", { href: at(current - 1), rel: "prev" }, "Previous page")) : null,
      h("li", {}, `Page ${current} of ${pages}`),
      current < pages ? h("li", {}, h("a", { href: at(current + 1), rel: "next" }, "Next page")) : null,
    ),
  );
}
