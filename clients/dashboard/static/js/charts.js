// Charts drawn by Chart.js (vendor/chart.js), each with a text alternative: a summary as its accessible name and a
// table of every figure it draws. Series differ by line style and point shape as well as by colour.
import { h, table } from "./dom.js";

const drawn = new Set();

export const STYLES = {
  ours: { color: "#1d4f91", dash: [], point: "circle" },
  england: { color: "#383f43", dash: [6, 4], point: "triangle" },
  neighbours: { color: "#6f3c97", dash: [2, 3], point: "rect" },
  target: { color: "#942514", dash: [10, 4, 2, 4], point: "crossRot" },
  forecast: { color: "#b58500", dash: [], point: "rect" },
  delivered: { color: "#005a30", dash: [], point: "triangle" },
  planned: { color: "#1d4f91", dash: [], point: "rect" },
};

function library() {
  const Chart = window.Chart;
  if (!Chart) throw new Error("The chart library did not load (vendor/chart.js/chart.umd.min.js).");
  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
  Chart.defaults.color = "#0b0c0c";
  return Chart;
}

/** Charts of the page being left are destroyed before the next is drawn. */
export function destroyAll() {
  for (const chart of drawn) chart.destroy();
  drawn.clear();
}

function draw(canvas, config) {
  const Chart = library();
  const chart = new Chart(canvas, config);
  drawn.add(chart);
  return chart;
}

/**
 * A line or bar chart over labelled points, with its table. `series`: [{label, style, values}], values aligned with
 * `labels` (null where there is no figure). Returns the figure element and a function to draw once it is on the page.
 */
export function chartFigure({ id, caption, summary, labels, series, format, type = "line", yTitle }) {
  const canvas = h("canvas", { id, role: "img", "aria-label": summary });
  const figure = h(
    "figure",
    { class: "chart" },
    h("figcaption", {}, caption),
    h("div", { class: "chart__box" }, canvas),
    h(
      "details",
      {},
      h("summary", {}, "Show the figures as a table"),
      table({
        caption: `${caption}: the figures`,
        head: ["Period", ...series.map((one) => one.label)],
        rows: labels.map((name, index) => [name, ...series.map((one) => format(one.values[index]))]),
        numeric: series.map((_, index) => index + 1),
      }),
    ),
  );
  const mount = () =>
    draw(canvas, {
      type,
      data: {
        labels,
        datasets: series.map((one) => ({
          label: one.label,
          data: one.values,
          borderColor: STYLES[one.style].color,
          backgroundColor: type === "bar" ? STYLES[one.style].color : "#fff",
          borderDash: STYLES[one.style].dash,
          pointStyle: STYLES[one.style].point,
          pointRadius: type === "line" ? 4 : undefined,
          borderWidth: 2,
          spanGaps: true,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: type === "line" } },
          tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(item.raw)}` } },
        },
        scales: { y: { title: { display: Boolean(yTitle), text: yTitle }, ticks: { callback: (value) => format(value) } } },
      },
    });
  return { figure, mount };
}

/** Words for a chart's series: where each starts and ends, for its accessible name. */
export function describe(series, labels, format) {
  return series
    .map((one) => {
      const shown = one.values.map((value, index) => [labels[index], value]).filter(([, value]) => value !== null);
      if (!shown.length) return null;
      const [startLabel, start] = shown[0];
      const [endLabel, end] = shown[shown.length - 1];
      return `${one.label}: ${format(start)} in ${startLabel} to ${format(end)} in ${endLabel}`;
    })
    .filter(Boolean)
    .join("; ");
}

/** A small trend line in a tile; its accessible name says where the series starts and ends. */
export function sparkline({ summary, labels, values }) {
  const canvas = h("canvas", { role: "img", "aria-label": summary });
  const box = h("div", { class: "spark" }, canvas);
  const mount = () =>
    draw(canvas, {
      type: "line",
      data: {
        labels,
        datasets: [{ data: values, borderColor: STYLES.ours.color, pointRadius: 0, borderWidth: 2, spanGaps: true }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        events: [],
        plugins: { legend: { display: false }, tooltip: { enabled: false } },
        scales: { x: { display: false }, y: { display: false } },
      },
    });
  return { box, mount };
}
