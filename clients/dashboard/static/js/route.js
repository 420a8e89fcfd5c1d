// Which page is shown, and its filters, live in the address (#/actions?focus_area=early-help&status=at_risk), so
// every view can be bookmarked and shared.

export function current() {
  const raw = location.hash.replace(/^#\/?/, "");
  const cut = raw.indexOf("?");
  const path = cut === -1 ? raw : raw.slice(0, cut);
  const query = cut === -1 ? "" : raw.slice(cut + 1);
  return {
    parts: path.split("/").filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

export function href(path, params) {
  const query = params ? new URLSearchParams([...new URLSearchParams(params)].filter(([, value]) => value !== "")) : null;
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `#/${encoded}${query && query.size ? `?${query}` : ""}`;
}

export const CHANGED = "dashboard:route";

/** Show other filters: recorded in the address (Back returns to the previous ones), then the page is drawn again. */
export function go(path, params) {
  const target = href(path, params);
  if (target === location.hash) return;
  history.pushState(null, "", target);
  window.dispatchEvent(new Event(CHANGED));
}
