// Words for what the service sends as codes: periods as a council writes them, money, dates, ratings and RAG.
import { h } from "./dom.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** FY2015-16 → 2015/16, AY2015-16 → 2015/16 (academic), FY2015-16-Q1 → Q1 2015/16, CY2015 → 2015, 2016-03 → Mar 2016. */
export function period(code) {
  if (!code) return "";
  let match = /^FY(\d{4})-(\d{2})-Q([1-4])$/.exec(code);
  if (match) return `Q${match[3]} ${match[1]}/${match[2]}`;
  match = /^FY(\d{4})-(\d{2})$/.exec(code);
  if (match) return `${match[1]}/${match[2]}`;
  match = /^AY(\d{4})-(\d{2})$/.exec(code);
  if (match) return `${match[1]}/${match[2]} (academic)`;
  match = /^CY(\d{4})$/.exec(code);
  if (match) return match[1];
  match = /^(\d{4})-(\d{2})$/.exec(code);
  if (match) return `${MONTHS[Number(match[2]) - 1]} ${match[1]}`;
  return code;
}

/** Periods in time order: the codes sort as text within one period type. */
export function byPeriod(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A code as words: on_track → On track. */
export function label(code) {
  if (code === null || code === undefined || code === "") return "";
  const words = String(code).replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const UNITS = { percent: "%", days: " days", rate: "", count: "", currency: "" };

export function figure(value, unit, decimals = 0) {
  if (value === null || value === undefined) return "–";
  const number = Number(value).toLocaleString("en-GB", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  if (unit === "currency") return `£${number}`;
  return number + (UNITS[unit] ?? "");
}

export function pounds(pence) {
  if (pence === null || pence === undefined) return "–";
  return (pence / 100).toLocaleString("en-GB", { style: "currency", currency: "GBP", maximumFractionDigits: 0 });
}

export function day(iso) {
  if (!iso) return "";
  const date = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  return date.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}

export function moment(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });
}

const RAG = {
  green: { symbol: "✔", word: "Green" },
  amber: { symbol: "●", word: "Amber" },
  red: { symbol: "✖", word: "Red" },
};

/** A KPI rating as the service words it: symbol, word, and colour as a third cue; the reason as a tooltip. */
export function rating(value) {
  return h(
    "span",
    { class: `badge badge--${value.status}`, title: value.reason },
    h("span", { "aria-hidden": "true" }, value.symbol),
    value.word,
  );
}

/** A RAG status of an action or project: word and shape, never colour alone. */
export function rag(value) {
  if (!value) return h("span", { class: "badge badge--grey" }, "No RAG");
  const shown = RAG[value] ?? { symbol: "", word: label(value) };
  return h("span", { class: `badge badge--${value}` }, h("span", { "aria-hidden": "true" }, shown.symbol), shown.word);
}

export function flags(item) {
  return [
    item.overdue ? h("span", { class: "flag flag--overdue" }, "Overdue") : null,
    item.stale ? h("span", { class: "flag flag--stale" }, "Stale") : null,
  ];
}

export function owners(list) {
  return list.map((owner, index) => [
    index ? ", " : "",
    owner.full_name ? h("abbr", { title: owner.full_name }, owner.code) : owner.code,
  ]);
}

/** The period after `code`, for the codes the service uses; null for one it does not know. */
function next(code) {
  let match = /^(FY|AY)(\d{4})-\d{2}$/.exec(code);
  if (match) {
    const year = Number(match[2]) + 1;
    return `${match[1]}${year}-${String((year + 1) % 100).padStart(2, "0")}`;
  }
  match = /^FY(\d{4})-\d{2}-Q([1-4])$/.exec(code);
  if (match) {
    const year = Number(match[1]) + (match[2] === "4" ? 1 : 0);
    const quarter = match[2] === "4" ? 1 : Number(match[2]) + 1;
    return `FY${year}-${String((year + 1) % 100).padStart(2, "0")}-Q${quarter}`;
  }
  match = /^CY(\d{4})$/.exec(code);
  if (match) return `CY${Number(match[1]) + 1}`;
  match = /^(\d{4})-(\d{2})$/.exec(code);
  if (match) {
    const month = Number(match[2]) % 12 + 1;
    const year = Number(match[1]) + (month === 1 ? 1 : 0);
    return `${year}-${String(month).padStart(2, "0")}`;
  }
  return null;
}

/** Every period from the first to the last of `codes`, so that a chart's axis spaces time evenly. */
export function periodRange(codes) {
  const sorted = [...new Set(codes)].sort(byPeriod);
  if (sorted.length < 2) return sorted;
  const last = sorted[sorted.length - 1];
  const range = [sorted[0]];
  while (range[range.length - 1] < last && range.length < 1000) {
    const following = next(range[range.length - 1]);
    if (!following || following <= range[range.length - 1]) return sorted; // mixed or unknown codes: as they are
    range.push(following);
  }
  return range[range.length - 1] === last ? range : sorted;
}
