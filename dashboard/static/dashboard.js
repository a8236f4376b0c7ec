// The dashboard page: polls the JSON API and draws the KPIs (Chart.js) and the pipeline's state.
// Everything from data reaches the page as textContent or a chart label, never as HTML.
/* global Chart */
'use strict';

/** Each KPI chart: the report's columns it draws (`series` splits the bars, one dataset per value). */
const KPI_CHARTS = {
  dau: { type: 'bar', x: 'day', series: '', value: 'daily_active_users', label: 'daily active users', stacked: false },
  events: { type: 'bar', x: 'hour', series: 'event', value: 'events', stacked: true },
  // Side by side: sums in different currencies do not add up.
  bookings: { type: 'bar', x: 'hour', series: 'currency', value: 'bookings', stacked: false },
  sessions: { type: 'bar', x: 'day', series: 'platform', value: 'sessions', stacked: true },
};

const PALETTE = ['#2f6fde', '#e4572e', '#17a398', '#f3a712', '#8e44ad', '#5c6f7f', '#c0392b', '#27ae60', '#d35400'];
const charts = {};

/** What a cell of data shows as: null as "(none)", so a missing label is visible and never empty. */
const labelOf = (value) => (value === null || value === undefined ? '(none)' : String(value));

function drawChart(id, type, labels, datasets, options = {}, stacked = false) {
  const canvas = document.getElementById(`chart-${id}`);
  const styled = datasets.map((d, i) => ({
    ...d,
    backgroundColor: PALETTE[i % PALETTE.length],
    borderColor: PALETTE[i % PALETTE.length],
  }));
  const existing = charts[id];
  if (existing) {
    existing.data.labels = labels;
    existing.data.datasets = styled;
    existing.update('none');
    return;
  }
  charts[id] = new Chart(canvas, {
    type,
    data: { labels, datasets: styled },
    options: {
      animation: false,
      maintainAspectRatio: false,
      responsive: true,
      plugins: { legend: { display: datasets.length > 1 } },
      scales: { x: { stacked }, y: { stacked, beginAtZero: true } },
      ...options,
    },
  });
}

/** A report's rows as one dataset per series value over the sorted x values; gaps are null. */
function seriesOf(rows, spec) {
  const labels = [...new Set(rows.map((r) => labelOf(r[spec.x])))].sort();
  const index = new Map(labels.map((l, i) => [l, i]));
  const series = new Map();
  for (const row of rows) {
    const name = spec.series ? labelOf(row[spec.series]) : spec.label;
    if (!series.has(name)) series.set(name, new Array(labels.length).fill(null));
    series.get(name)[index.get(labelOf(row[spec.x]))] = Number(row[spec.value]);
  }
  const names = [...series.keys()].sort();
  return { labels, datasets: names.map((label) => ({ label, data: series.get(label) })) };
}

function renderKpis(snapshot) {
  for (const [kpi, spec] of Object.entries(KPI_CHARTS)) {
    const panel = snapshot.kpis[kpi];
    const note = document.getElementById(`note-${kpi}`);
    const canvas = document.getElementById(`chart-${kpi}`);
    Object.assign(canvas.dataset, { x: spec.x, series: spec.series, value: spec.value });
    const rows = panel && 'rows' in panel ? panel.rows : [];
    note.hidden = !(panel && 'error' in panel);
    note.textContent = panel && 'error' in panel ? panel.error : '';
    const { labels, datasets } = seriesOf(rows, spec);
    drawChart(kpi, spec.type, labels, datasets, {}, spec.stacked);
  }
  document.body.dataset.kpisUpdated = snapshot.generatedAt;
}

/** A category axis tick: long reasons cut, the whole one stays in the table below the chart. */
function shortLabel(value) {
  const text = String(this.getLabelForValue(value));
  return text.length > 48 ? `${text.slice(0, 47)}…` : text;
}

function age(seconds) {
  if (seconds === undefined || seconds === null) return 'never';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** A table cell: text, a number, or a link (http(s) only) to the Temporal UI. */
function cell(value, kind) {
  const td = document.createElement('td');
  if (kind === 'link') {
    if (typeof value === 'string' && /^https?:\/\//i.test(value)) {
      const a = document.createElement('a');
      a.href = value;
      a.textContent = 'open';
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      td.append(a);
    } else td.textContent = 'no UI address';
    return td;
  }
  if (kind === 'number') td.className = 'number';
  td.textContent = value === undefined || value === null ? '' : String(value);
  return td;
}

/** Replaces a table's rows; an empty table says so in one row. */
function fillTable(id, rows, columns) {
  const body = document.querySelector(`#${id} tbody`);
  const trs = rows.map((row) => {
    const tr = document.createElement('tr');
    for (const [key, kind] of columns) tr.append(cell(typeof key === 'function' ? key(row) : row[key], kind));
    return tr;
  });
  if (trs.length === 0) {
    const tr = document.createElement('tr');
    const td = cell('none');
    td.className = 'empty';
    td.colSpan = columns.length;
    tr.append(td);
    trs.push(tr);
  }
  body.replaceChildren(...trs);
  document.getElementById(id).dataset.entries = String(rows.length);
}

function renderPipeline(p) {
  document.getElementById('summary').textContent =
    `environment ${p.environment}: ${p.running} batches running, ${p.failed.length} failed, ` +
    `${p.quarantined.length} quarantined, ${p.rejects.records} records rejected`;
  const loaded = p.freshness.filter((t) => t.lastLoadAgeSeconds !== undefined);
  drawChart(
    'freshness',
    'bar',
    loaded.map((t) => t.table),
    [{ label: 'minutes since the last load', data: loaded.map((t) => Math.round(t.lastLoadAgeSeconds / 6) / 10) }],
    { indexAxis: 'y', plugins: { legend: { display: false } } },
  );
  fillTable('freshness', p.freshness, [
    ['table'],
    [(t) => t.lastLoadedAt ?? 'never'],
    [(t) => age(t.lastLoadAgeSeconds)],
    ['stagedFiles', 'number'],
  ]);
  document.getElementById('rejects-total').textContent = String(p.rejects.records);
  drawChart(
    'rejects',
    'bar',
    p.rejects.reasons.map((r) => r.reason),
    [{ label: 'records', data: p.rejects.reasons.map((r) => r.records) }],
    { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { y: { ticks: { callback: shortLabel } } } },
  );
  fillTable('rejects', p.rejects.reasons, [['reason'], ['records', 'number']]);
  fillTable('failed', p.failed, [
    ['workflowId'],
    ['reason'],
    [
      (f) =>
        f.objectCount > f.objects.length
          ? `${f.objects.join(', ')} and ${f.objectCount - f.objects.length} more`
          : f.objects.join(', '),
    ],
    ['closedAt'],
    ['temporalUi', 'link'],
  ]);
  fillTable('quarantined', p.quarantined, [['key'], ['kind'], ['reason'], ['at'], ['temporalUi', 'link']]);
  fillTable('drift-attributes', p.drift.newAttributes, [
    ['event'],
    ['attribute'],
    ['records', 'number'],
    ['firstSeen'],
    ['lastSeen'],
  ]);
  fillTable('drift-unknown', p.drift.unknownEvents, [['event'], ['records', 'number'], ['firstSeen'], ['lastSeen']]);
  document.body.dataset.pipelineUpdated = p.generatedAt;
}

async function fetchJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  const body = await response.json();
  if (!response.ok) throw new Error(`${path}: ${body.error ?? response.status}`);
  return body;
}

async function refresh() {
  const errors = [];
  await Promise.all([
    fetchJson('/api/kpis')
      .then(renderKpis)
      .catch((e) => errors.push(e.message)),
    fetchJson('/api/pipeline')
      .then(renderPipeline)
      .catch((e) => errors.push(e.message)),
  ]);
  const banner = document.getElementById('error');
  banner.hidden = errors.length === 0;
  banner.textContent = errors.join('; ');
  document.getElementById('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;
}

async function main() {
  const { refreshSeconds } = await fetchJson('/api/settings');
  for (;;) {
    await refresh();
    await new Promise((resolve) => setTimeout(resolve, refreshSeconds * 1000));
  }
}

main().catch((error) => {
  const banner = document.getElementById('error');
  banner.hidden = false;
  banner.textContent = String(error && error.message ? error.message : error);
});
