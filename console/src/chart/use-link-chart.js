// The link chart's state and what an investigator can do with it: load around a start, select,
// expand a node through `network`, and ask `paths` between two selected nodes. Every question
// goes through the access scope (scopeVariables) and so into the access log.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { graphql } from '../api.js';
import { scopeVariables } from '../scope.js';
import LinkChart from '../../../contract/operations/LinkChart.graphql';
import Paths from '../../../contract/operations/Paths.graphql';
import { emptyGraph, hiddenLinks, merge, pathMarks } from './graph.js';
import { nodeName, refOf } from './nodes.js';
import { select } from './selection.js';

// A chart grows a bounded step at a time, so that a hub shows "+N more" instead of exploding:
// the first answer holds up to FIRST nodes, each expand up to STEP more than the last expand of that node.
const FIRST = 100;
const STEP = 50;
const MOST = 1000;
const PATH_HOPS = 6;

const count = (n, what) => `${n} ${what}${n === 1 ? '' : 's'}`;

const network = async (ref, maxNodes) =>
  (await graphql(LinkChart, { around: [ref], hops: 1, maxNodes, ...scopeVariables() })).access.network;

/** The start among a network's nodes: the one named by the page's EntityRef, else the first (the answer lists starts first). */
function startOf(nodes, kind, key) {
  const byRef = nodes.find((n) => n.kind === kind && (n.id === key || n.label === key));
  return (byRef ?? nodes[0])?.id ?? null;
}

export function useLinkChart(kind, key) {
  const [graph, setGraph] = useState(emptyGraph);
  const [startId, setStartId] = useState(null);
  const [anchor, setAnchor] = useState(null);
  const [selected, setSelected] = useState([]);
  const [path, setPath] = useState(null);
  const [status, setStatus] = useState('Reading the chart…');
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(true);
  const expanded = useRef(new Map());

  const hidden = useMemo(() => hiddenLinks(graph), [graph]);

  /** Runs one question; `what` says in the failure message which one did not work. */
  const run = async (what, work) => {
    setBusy(true);
    setFailure(null);
    try {
      await work();
    } catch (e) {
      setFailure(`${what}: ${e.message}`);
      setStatus('');
    } finally {
      setBusy(false);
    }
  };

  // The page is mounted afresh for each entity (EntityPage's key), so this runs once.
  useEffect(() => {
    run('The chart could not be read', async () => {
      const answer = await network({ kind, key }, FIRST);
      const start = startOf(answer.nodes, kind, key);
      setGraph(merge(emptyGraph(), answer));
      setStartId(start);
      setSelected(start ? [start] : []);
      setStatus(answer.nodes.length === 0
        ? 'Nothing is linked to this, or you may not see it.'
        : `${answer.nodes.length} nodes shown${answer.truncated ? `, the nearest ${FIRST}: select a node and Expand to see more` : ''}.`);
    });
  }, [kind, key]);

  const selectedNodes = selected.map((id) => graph.nodes.get(id)).filter(Boolean);
  const single = selectedNodes.length === 1 ? selectedNodes[0] : null;
  const canExpand = !busy && single != null && refOf(single) != null;
  const canShowPath = !busy && selectedNodes.length === 2 && selectedNodes.every((n) => refOf(n) != null);

  const pick = (id, additive) => setSelected((current) => select(current, id, additive));

  const expand = () => run('The node could not be expanded', async () => {
    const node = single;
    const maxNodes = Math.min(MOST, STEP * ((expanded.current.get(node.id) ?? 0) + 1) + 1);
    setStatus(`Expanding ${nodeName(node)}…`);
    const answer = await network(refOf(node), maxNodes);
    expanded.current.set(node.id, (expanded.current.get(node.id) ?? 0) + 1);
    const grown = merge(graph, answer);
    const added = grown.nodes.size - graph.nodes.size;
    const links = grown.edges.size - graph.edges.size;
    setAnchor(node.id);
    setGraph(grown);
    const more = answer.truncated && maxNodes < MOST ? `; more remain, Expand again for up to ${STEP} more` : '';
    setStatus(added === 0 && links === 0 && !more
      ? `Expanded ${nodeName(node)}: the chart already shows everything linked to it.`
      : `Expanded ${nodeName(node)}: ${count(added, 'new node')}, ${count(links, 'new link')}${more}.`);
  });

  const showPath = () => run('The path could not be found', async () => {
    const [from, to] = selectedNodes;
    setStatus(`Looking for a path between ${nodeName(from)} and ${nodeName(to)}…`);
    const paths = (await graphql(Paths, { from: refOf(from), to: refOf(to), hops: PATH_HOPS, first: 3, ...scopeVariables() })).access.paths;
    if (paths.length === 0) {
      setPath(null);
      setStatus(`No path of up to ${PATH_HOPS} hops between ${nodeName(from)} and ${nodeName(to)}.`);
      return;
    }
    const shortest = paths.filter((p) => p.hops === paths[0].hops);
    setAnchor(from.id);
    setGraph(shortest.reduce(merge, graph));
    setPath(pathMarks(shortest));
    const hops = shortest[0].hops;
    const via = shortest.map((p) => p.nodes.slice(1, -1).map(nodeName).join(' → ')).join('; or via ');
    setStatus(`Path between ${nodeName(from)} and ${nodeName(to)}: ${count(hops, 'hop')}, via ${via}.`);
  });

  return { graph, hidden, startId, anchor, selected, selectedNodes, path, status, failure, busy, canExpand, canShowPath, pick, expand, showPath, clear: () => setSelected([]) };
}
