/** Reads the dashboard's Chart.js instances in the browser, and turns charts and reports into comparable points. */
import type { Page } from 'puppeteer-core';

/** The little of the page's globals the tests read (the project's type-check has no DOM library). */
export interface PageGlobals {
  document: {
    body: { dataset: Record<string, string | undefined> };
    getElementById(id: string): { dataset: Record<string, string | undefined> } | null;
  };
  Chart: {
    getChart(
      canvas: unknown,
    ): { data: { labels: unknown[]; datasets: { label?: unknown; data: (number | null)[] }[] } } | undefined;
  };
}

export interface ChartData {
  labels: string[];
  datasets: { label: string; data: (number | null)[] }[];
  /** The report columns a KPI chart draws (data attributes of its canvas). */
  x?: string;
  series?: string;
  value?: string;
}

/** The chart drawn on `#chart-{id}`, as Chart.js holds it. */
export function readChart(page: Page, id: string): Promise<ChartData> {
  return page.evaluate((chartId: string) => {
    const { document, Chart } = globalThis as unknown as PageGlobals;
    const canvas = document.getElementById(`chart-${chartId}`);
    const chart = canvas ? Chart.getChart(canvas) : undefined;
    if (!chart) throw new Error(`no chart on #chart-${chartId}`);
    return {
      labels: chart.data.labels.map(String),
      datasets: chart.data.datasets.map((d) => ({ label: String(d.label), data: [...d.data] })),
      x: canvas!.dataset.x,
      series: canvas!.dataset.series,
      value: canvas!.dataset.value,
    };
  }, id);
}

/** One drawn value: its x label, its series (dataset) and the number. */
type Point = [string, string, number];

const sorted = (points: Point[]) => points.sort((a, b) => (`${a[0]}\u0000${a[1]}` < `${b[0]}\u0000${b[1]}` ? -1 : 1));
const label = (v: unknown) => (v === null || v === undefined ? '(none)' : String(v));

export function chartPoints(chart: ChartData): Point[] {
  return sorted(
    chart.datasets.flatMap((d) =>
      d.data.flatMap((value, i): Point[] => (value === null ? [] : [[chart.labels[i]!, d.label, value]])),
    ),
  );
}

/** A report's rows as the chart should draw them: the columns named by the canvas's data attributes. */
export function reportPoints(rows: Record<string, unknown>[], chart: ChartData): Point[] {
  const { x, series, value } = chart;
  if (!x || !value) throw new Error('the chart names no report columns');
  const single = chart.datasets[0]?.label ?? '';
  return sorted(rows.map((r): Point => [label(r[x]), series ? label(r[series]) : single, Number(r[value])]));
}
