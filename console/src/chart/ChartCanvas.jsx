import { useEffect, useRef } from 'preact/hooks';
import { createChart, showGraph, showMarks } from './cytoscape-chart.js';

/**
 * The canvas half of the link chart. Hidden from assistive technology: the node list beside it
 * says everything the drawing shows, and is what a keyboard walks. `onReady(cy)` hands the chart
 * to the exports; `onLaidOut(graph)` says when that graph is laid out.
 */
export function ChartCanvas({ graph, hidden, startId, anchor, selected, path, onPick, onReady, onLaidOut }) {
  const container = useRef(null);
  const chart = useRef(null);
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    const cy = createChart(container.current, (id, additive) => pick.current(id, additive));
    chart.current = cy;
    onReady?.(cy);
    return () => cy.destroy();
  }, []);

  useEffect(() => {
    let current = true;
    showGraph(chart.current, graph, hidden, startId, anchor).then(() => current && onLaidOut?.(graph));
    return () => { current = false; };
  }, [graph, hidden, startId]);

  useEffect(() => showMarks(chart.current, selected, path), [selected, path, graph]);

  return <div class="chart-canvas" ref={container} aria-hidden="true" />;
}
