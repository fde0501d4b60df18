import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import type { Aligned } from '../overview-data.js';

export interface ChartLine {
  label: string;
  colour: string;
}

/**
 * A uPlot time-series chart that follows its container's width (narrow windows included). The
 * figures are also given as text beside it (a chart alone says nothing to a screen reader).
 */
export function Chart({
  title,
  data,
  lines,
  unit,
}: {
  title: string;
  data: Aligned;
  lines: ChartLine[];
  unit?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = box.current!;
    const options: uPlot.Options = {
      width: Math.max(240, element.clientWidth),
      height: 200,
      series: [
        {},
        ...lines.map((line) => ({
          label: line.label,
          stroke: line.colour,
          width: 2,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${v}${unit ?? ''}`),
        })),
      ],
      axes: [{}, { size: 48 }],
      scales: { x: { time: true } },
      legend: { live: true },
    };
    plot.current = new uPlot(options, data as uPlot.AlignedData, element);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(240, element.clientWidth), height: 200 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Built once per set of lines; new figures go through setData below.
  }, [lines.map((l) => l.label).join('|')]);

  useEffect(() => {
    plot.current?.setData(data as uPlot.AlignedData);
  }, [data]);

  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title}: chart, latest figures listed below`} />
    </figure>
  );
}
