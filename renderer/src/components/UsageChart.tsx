// Live CPU or memory use per node over the last minutes, drawn by uPlot on a canvas (cheap to redraw every
// few seconds, unlike an SVG chart library). The legend is React, so it carries the latest values as text.
import 'uplot/dist/uPlot.min.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import type { UsageSample } from '../connection/ClusterConnection.ts';
import { useClusterStore } from '../store/clusterStore.ts';
import { EmptyState } from './EmptyState.tsx';

export type UsageMetric = 'cpuCores' | 'memoryBytes';

/** Distinct on both themes. */
const SERIES_COLORS = [
  '#3b82f6',
  '#f59e0b',
  '#10b981',
  '#ef4444',
  '#8b5cf6',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length] as string;
}

export function formatUsage(metric: UsageMetric, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (metric === 'cpuCores') return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} cores`;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit++;
  }
  return `${v < 10 && unit > 0 ? v.toFixed(1) : Math.round(v)} ${units[unit]}`;
}

const MEMORY_INCREMENTS = Array.from({ length: 41 }, (_, i) => 2 ** (10 + i));

/** Tick labels: bare numbers of cores (the title says "cores"), memory with its unit. */
function formatAxis(metric: UsageMetric, value: number): string {
  if (metric === 'memoryBytes') return formatUsage(metric, value);
  return String(Number(value.toFixed(2)));
}

/**
 * uPlot wants one x array and one y array per series. Nodes sample independently, so x is the union of
 * their times (in seconds) and a node has null where it has no sample (drawn as a continuous line).
 */
export function alignUsage(
  usage: Readonly<Record<string, readonly UsageSample[]>>,
  nodes: readonly string[],
  metric: UsageMetric,
): uPlot.AlignedData {
  const times = new Set<number>();
  for (const node of nodes) for (const s of usage[node] ?? []) times.add(s.at);
  const xs = [...times].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const series = nodes.map((node) => {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    for (const s of usage[node] ?? []) ys[index.get(s.at) as number] = s[metric];
    return ys;
  });
  return [xs.map((t) => t / 1000), ...series];
}

function canvasAvailable(): boolean {
  try {
    return document.createElement('canvas').getContext('2d') !== null;
  } catch {
    return false;
  }
}

function chartOptions(
  nodes: readonly string[],
  metric: UsageMetric,
  width: number,
  height: number,
  axisColor: string,
  gridColor: string,
): uPlot.Options {
  const axis = {
    stroke: axisColor,
    grid: { stroke: gridColor, width: 1 },
    ticks: { stroke: gridColor, width: 1 },
  };
  return {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.15 : 1] } },
    axes: [
      axis,
      {
        ...axis,
        // Wide enough for the longest tick label, so "1.50" or "1.9 GiB" is never clipped.
        size: (_u, values) => 18 + 7 * Math.max(3, ...(values ?? []).map((v) => v.length)),
        values: (_u, splits) => splits.map((v) => formatAxis(metric, v)),
        // Memory ticks on powers of two (512 MiB, 1 GiB, 2 GiB), not at odd byte counts.
        incrs: metric === 'memoryBytes' ? MEMORY_INCREMENTS : undefined,
      },
    ],
    series: [
      {},
      ...nodes.map((node, i) => ({
        label: node,
        stroke: seriesColor(i),
        width: 2,
        spanGaps: true,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => formatUsage(metric, v),
      })),
    ],
  };
}

export function UsageChart({
  title,
  usage,
  metric,
  height = 180,
}: {
  title: string;
  usage: Readonly<Record<string, readonly UsageSample[]>>;
  metric: UsageMetric;
  height?: number;
}) {
  const theme = useClusterStore((s) => s.theme);
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const nodesKey = Object.keys(usage).sort().join('\n');
  const nodes = useMemo(() => (nodesKey ? nodesKey.split('\n') : []), [nodesKey]);
  const data = useMemo(() => alignUsage(usage, nodes, metric), [usage, nodes, metric]);
  const dataRef = useRef(data);
  dataRef.current = data;

  // The chart is rebuilt when its series or the theme change; new samples only call setData.
  // biome-ignore lint/correctness/useExhaustiveDependencies: theme is read through CSS variables
  useEffect(() => {
    const el = containerRef.current;
    if (!el || nodes.length === 0) return;
    if (!canvasAvailable()) {
      setUnavailable(true);
      return;
    }
    const style = getComputedStyle(el);
    const axisColor = style.getPropertyValue('--text-muted').trim() || '#888';
    const gridColor = style.getPropertyValue('--border').trim() || '#8884';
    const width = Math.max(200, el.clientWidth || 400);
    const chart = new uPlot(
      chartOptions(nodes, metric, width, height, axisColor, gridColor),
      dataRef.current,
      el,
    );
    chartRef.current = chart;
    const observer =
      typeof ResizeObserver === 'function'
        ? new ResizeObserver(() => {
            const w = el.clientWidth;
            if (w > 0) chart.setSize({ width: w, height });
          })
        : undefined;
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [nodes, metric, height, theme]);

  useEffect(() => {
    chartRef.current?.setData(data);
  }, [data]);

  if (nodes.length === 0) {
    return (
      <EmptyState
        title={`No ${metric === 'cpuCores' ? 'CPU' : 'memory'} samples yet`}
        hint="Every agent reports its usage every few seconds; the chart fills in as they arrive."
      />
    );
  }

  return (
    <figure className="usage-chart" aria-label={title}>
      <figcaption className="usage-chart-title">{title}</figcaption>
      {unavailable ? (
        <div className="muted usage-chart-fallback">
          This browser cannot draw charts; latest values below.
        </div>
      ) : (
        <div ref={containerRef} className="usage-chart-canvas" />
      )}
      <ul className="usage-legend">
        {nodes.map((node, i) => {
          const samples = usage[node] ?? [];
          const latest = samples[samples.length - 1];
          return (
            <li key={node}>
              <span className="usage-swatch" style={{ background: seriesColor(i) }} aria-hidden="true" />
              <span className="usage-node">{node}</span>
              <span className="usage-value">{formatUsage(metric, latest?.[metric])}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
