// The dashboard: which service to read (config.json, or what its user types in), then one page per address.
import { ApiError, createApi } from "./api.js";
import { destroyAll } from "./charts.js";
import { h } from "./dom.js";
import * as actions from "./pages/actions.js";
import * as assurance from "./pages/assurance.js";
import * as governance from "./pages/governance.js";
import * as kpi from "./pages/kpi.js";
import * as meetings from "./pages/meetings.js";
import * as programme from "./pages/programme.js";
import * as quality from "./pages/quality.js";
import * as returns from "./pages/returns.js";
import * as scorecard from "./pages/scorecard.js";
import * as signOffs from "./pages/sign-offs.js";
import * as teams from "./pages/teams.js";
import { CHANGED, current } from "./route.js";

const PAGES = {
  scorecard,
  kpis: kpi,
  actions,
  returns,
  "sign-offs": signOffs,
  teams,
  assurance,
  programme,
  governance,
  meetings,
  "data-quality": quality,
};
const STORED = "strategy-dashboard-connection";

const main = document.getElementById("main");
let config = null;
let api = null;
let shown = 0; // the latest render: an earlier one that finishes late is dropped
let first = true;

async function loadConfig() {
  let served = {};
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (response.ok) served = await response.json();
  } catch {
    // a plain static host without config.json: the user names the service
  }
  const typed = JSON.parse(sessionStorage.getItem(STORED) ?? "null");
  return { title: "Children's Services strategy", ...served, ...(served.api_key ? {} : typed ?? {}) };
}

function connectForm(message) {
  const base = h("input", { id: "api-base", type: "url", required: true, value: config.api_base ?? "http://127.0.0.1:8000" });
  const key = h("input", { id: "api-key", type: "password", required: true, autocomplete: "off" });
  return h(
    "form",
    {
      class: "panel",
      onsubmit: (event) => {
        event.preventDefault();
        sessionStorage.setItem(STORED, JSON.stringify({ api_base: base.value, api_key: key.value.trim() }));
        location.reload();
      },
    },
    h("h1", { tabindex: "-1" }, "Connect to the strategy service"),
    message ? h("p", { role: "alert" }, message) : null,
    h("p", {}, "This dashboard reads the service with a key that has the read scope. It keeps the key for this tab only."),
    h("div", { class: "field" }, h("label", { for: "api-base" }, "Service address"), base),
    h("div", { class: "field" }, h("label", { for: "api-key" }, "API key"), key),
    h("p", {}, h("button", { type: "submit" }, "Connect")),
  );
}

function problemView(error) {
  const status = error instanceof ApiError ? error.status : null;
  if (status === 401 || status === 403) {
    sessionStorage.removeItem(STORED);
    return connectForm(`The service refused the key: ${error.detail ?? error.title}`);
  }
  return h(
    "div",
    { class: "panel problem", role: "alert" },
    h("h1", { tabindex: "-1" }, error.title ?? "Something went wrong"),
    h("p", {}, error.detail ?? error.message),
    error.requestId ? h("p", { class: "muted" }, `Request id ${error.requestId} (quote it to the service's administrator).`) : null,
    h("p", {}, h("button", { type: "button", onclick: () => render() }, "Try again")),
  );
}

function markNavigation(page) {
  for (const link of document.querySelectorAll(".nav a")) {
    if (link.dataset.page === page || (page === "kpis" && link.dataset.page === "scorecard")) {
      link.setAttribute("aria-current", "page");
    } else {
      link.removeAttribute("aria-current");
    }
  }
}

async function render() {
  if (location.hash && !location.hash.startsWith("#/")) return; // the skip link, or an anchor within a page
  const ticket = ++shown;
  const { parts, params } = current();
  const name = parts[0] ?? "scorecard";
  const page = PAGES[name];
  markNavigation(name);
  main.setAttribute("aria-busy", "true");
  let view;
  try {
    if (!page) throw new ApiError(404, { title: "Page not found", detail: `There is no page at ${location.hash}.` });
    view = await page.render({ api, parts, params, config });
  } catch (error) {
    view = { title: "Problem", body: problemView(error), mounts: [] };
  }
  if (ticket !== shown) return;
  const focused = main.contains(document.activeElement) ? document.activeElement.id : "";
  destroyAll();
  main.replaceChildren(view.body);
  main.removeAttribute("aria-busy");
  document.title = `${view.title} · ${config.title}`;
  for (const mount of view.mounts ?? []) mount();
  // A filter keeps the focus on its control; a new page moves it to the page's heading.
  if (!first) (focused && document.getElementById(focused) ? document.getElementById(focused) : main.querySelector("h1"))?.focus();
  first = false;
  view.after?.();
}

async function describeConnection() {
  const line = document.getElementById("connection");
  try {
    const key = await api.get("/api/v1/api-keys/current");
    line.textContent = `Reading ${api.base} with the key “${key.name}” (${key.scopes.join(", ")}).`;
  } catch {
    line.textContent = `Reading ${api.base}.`;
  }
}

async function boot() {
  config = await loadConfig();
  document.getElementById("service-name").textContent = config.title;
  document.querySelector(".skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  if (!config.api_base || !config.api_key) {
    main.replaceChildren(connectForm());
    return;
  }
  api = createApi({ base: config.api_base, key: config.api_key });
  window.addEventListener("hashchange", render);
  window.addEventListener("popstate", render);
  window.addEventListener(CHANGED, render);
  await render();
  describeConnection();
}

boot();
