// Building the page from data: every text goes in as text, never as markup, so nothing the service holds can
// inject script or HTML into the dashboard.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "text") element.textContent = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function fragment(...children) {
  return append(document.createDocumentFragment(), children);
}

/** A table that scrolls sideways on a phone, reachable and named for keyboard and screen-reader users. */
export function table({ caption, head, rows, foot, numeric = [] }) {
  const cell = (tag, content, index) =>
    h(tag, { class: numeric.includes(index) ? "number" : null, scope: tag === "th" ? "col" : null }, content);
  return h(
    "div",
    { class: "table-wrap", role: "region", "aria-label": caption, tabindex: "0" },
    h(
      "table",
      {},
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, head.map((title, index) => cell("th", title, index)))),
      h(
        "tbody",
        {},
        rows.map((row) => h("tr", row.attributes ?? {}, (row.cells ?? row).map((content, index) => cell("td", content, index)))),
      ),
      foot ? h("tfoot", {}, h("tr", {}, foot.map((content, index) => cell("td", content, index)))) : null,
    ),
  );
}

/** Terms and their descriptions: a `<dl>` of the pairs whose description is not empty. */
export function facts(pairs, attributes = { class: "facts" }) {
  const shown = pairs.filter(([, description]) => description !== null && description !== undefined && description !== "");
  return h("dl", attributes, shown.map(([term, description]) => [h("dt", {}, term), h("dd", {}, description)]));
}
