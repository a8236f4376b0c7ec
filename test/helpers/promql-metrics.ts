/**
 * The metric names a PromQL expression reads, and the labels it groups by: enough of PromQL for
 * the queries of a Grafana dashboard (selectors, functions, aggregations, arithmetic).
 */

/** Words of PromQL that are not metric names: operators and modifiers. */
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'atan2',
]);

/** Label names in `by (...)` / `without (...)` / `on (...)` clauses. */
export function groupingLabels(expr: string): string[] {
  const labels: string[] = [];
  for (const [, list] of expr.matchAll(/\b(?:by|without|on|ignoring)\s*\(([^)]*)\)/g))
    labels.push(
      ...list!
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    );
  return [...new Set(labels)];
}

/** Metric names read by `expr`; `label_values(metric, label)` (a Grafana variable query) counts its metric. */
export function metricNames(expr: string): string[] {
  const labelValues = /^\s*label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(expr);
  if (labelValues) return [labelValues[1]!];
  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$[a-zA-Z_]+/g, ' ')
    .replace(/\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/g, ' ');
  const names = new Set<string>();
  for (const m of text.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    // A word followed by `(` is a function or an aggregation.
    if (/^\s*\(/.test(text.slice(m.index + m[0].length)) || KEYWORDS.has(m[0])) continue;
    names.add(m[0]);
  }
  return [...names];
}
