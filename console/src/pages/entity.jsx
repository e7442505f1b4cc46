import { LinkChartRegion } from '../chart/LinkChart.jsx';
import { Matches } from '../chart/EntityMatches.jsx';
import { useLinkChart } from '../chart/use-link-chart.js';
import { kindName, nodeName } from '../chart/nodes.js';

/** The matches worth listing here: on this entity, or for an incident, on what it carries. */
function matchEntities(chart) {
  const start = chart.graph.nodes.get(chart.startId);
  if (start?.kind !== 'INCIDENT') return new Set(chart.startId ? [chart.startId] : []);
  return new Set([...chart.graph.edges.values()].filter((e) => e.incident === start.id).map((e) => e.entity));
}

/** An entity page (#/entity/KIND/key): its link chart and its matches, started afresh for each entity. */
export function EntityPage({ kind, entityKey }) {
  return <Entity key={`${kind}/${entityKey}`} kind={kind} entityKey={entityKey} />;
}

function Entity({ kind, entityKey }) {
  const chart = useLinkChart(kind, entityKey);
  const start = chart.graph.nodes.get(chart.startId);
  const title = start ? nodeName(start) : entityKey;
  return (
    <>
      <h1>{title} <span class="kind">{kindName(kind)}</span></h1>
      <LinkChartRegion chart={chart} name={start?.label ?? entityKey} />
      {start && <Matches entityIds={matchEntities(chart)} about={start.kind === 'INCIDENT' ? `what ${title} carries` : title} />}
    </>
  );
}
