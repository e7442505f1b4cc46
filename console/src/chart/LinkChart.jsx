import { useRef, useState } from 'preact/hooks';
import { ChartCanvas } from './ChartCanvas.jsx';
import { NodeList } from './NodeList.jsx';
import { AttachToCase } from './AttachToCase.jsx';
import { WatchButton, watchable } from './WatchButton.jsx';
import { exportCsv, exportPng } from './exports.js';

/**
 * Region "Link chart": the tools, the drawn chart and the same chart as a list of node buttons.
 * `chart` is what useLinkChart answers; `name` names the exported files.
 */
export function LinkChartRegion({ chart, name }) {
  const cy = useRef(null);
  const [exported, setExported] = useState(null);
  const [laidOut, setLaidOut] = useState(null);
  const { graph, hidden, selected, selectedNodes, path } = chart;
  const last = selectedNodes[selectedNodes.length - 1];
  const empty = graph.nodes.size === 0;
  const start = graph.nodes.get(chart.startId);

  const exportAs = async (format, make) => {
    setExported(null);
    try {
      await make();
      setExported({ error: false, text: `Exported ${graph.nodes.size} nodes and ${graph.edges.size} links as ${format}; the export is in the access log.` });
    } catch (e) {
      setExported({ error: true, text: e.message });
    }
  };

  return (
    <section class="link-chart" aria-label="Link chart" aria-busy={chart.busy || laidOut !== graph ? 'true' : 'false'}>
      <div class="chart-tools">
        <button type="button" onClick={chart.expand} disabled={!chart.canExpand}>Expand</button>
        <button type="button" onClick={chart.showPath} disabled={!chart.canShowPath}>Show path</button>
        <button type="button" onClick={() => exportAs('PNG', () => exportPng(cy.current, graph, name))} disabled={empty}>Export PNG</button>
        <button type="button" onClick={() => exportAs('CSV', () => exportCsv(graph, name))} disabled={empty}>Export CSV</button>
        {start && watchable(start) && <WatchButton key={start.id} node={start} />}
      </div>
      <p class="hint">Select a node with a click or Enter; Shift adds a second, for Show path. Escape clears the selection.</p>
      <p class="chart-status" role="status">{chart.status}</p>
      {chart.failure && <p class="error" role="alert">{chart.failure}</p>}
      {exported && <p class={exported.error ? 'error' : 'done'} role={exported.error ? 'alert' : 'status'}>{exported.text}</p>}
      <div class="chart-body">
        <ChartCanvas graph={graph} hidden={hidden} startId={chart.startId} anchor={chart.anchor} selected={selected} path={path}
          onPick={chart.pick} onReady={(c) => { cy.current = c; }} onLaidOut={setLaidOut} />
        <div class="chart-side" onKeyDown={(e) => e.key === 'Escape' && chart.clear()}>
          {last?.kind === 'INCIDENT' && !last.withheld && <AttachToCase incident={last} />}
          <NodeList graph={graph} hidden={hidden} selected={selected} path={path} onPick={chart.pick} />
        </div>
      </div>
    </section>
  );
}
