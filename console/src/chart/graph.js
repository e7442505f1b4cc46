// The chart's data: nodes and edges by id, merged as answers (network, paths) arrive. Each merge
// makes new maps, so that components see a new value and redraw.

export const emptyGraph = () => ({ nodes: new Map(), edges: new Map() });

export const edgeId = (edge) => `${edge.incident}|${edge.entity}|${edge.role}`;

/** The graph with an answer's nodes and edges added; a node already shown keeps what the answer lacks (paths carry no degree). */
export function merge(graph, answer) {
  const nodes = new Map(graph.nodes);
  for (const node of answer.nodes) {
    const known = nodes.get(node.id);
    nodes.set(node.id, known ? { ...known, ...node, degree: node.degree ?? known.degree } : { ...node });
  }
  const edges = new Map(graph.edges);
  for (const edge of answer.edges) {
    if (nodes.has(edge.incident) && nodes.has(edge.entity)) edges.set(edgeId(edge), edge);
  }
  return { nodes, edges };
}

/**
 * How many of each node's links the chart leaves out ("+N more"): its degree less the links
 * shown. An entity's degree counts incidents; an incident's counts what it carries. A withheld
 * node's degree is 0, and a node without a degree (met only on a path) claims nothing.
 */
export function hiddenLinks(graph) {
  const incidentEdges = new Map();
  const entityIncidents = new Map();
  for (const edge of graph.edges.values()) {
    incidentEdges.set(edge.incident, (incidentEdges.get(edge.incident) ?? 0) + 1);
    if (!entityIncidents.has(edge.entity)) entityIncidents.set(edge.entity, new Set());
    entityIncidents.get(edge.entity).add(edge.incident);
  }
  const hidden = new Map();
  for (const node of graph.nodes.values()) {
    if (node.withheld || node.degree == null) continue;
    const shown = node.kind === 'INCIDENT' ? incidentEdges.get(node.id) ?? 0 : entityIncidents.get(node.id)?.size ?? 0;
    if (node.degree > shown) hidden.set(node.id, node.degree - shown);
  }
  return hidden;
}

/** The ids of nodes and edges on any of the paths. */
export function pathMarks(paths) {
  const nodes = new Set();
  const edges = new Set();
  for (const path of paths) {
    for (const node of path.nodes) nodes.add(node.id);
    for (const edge of path.edges) edges.add(edgeId(edge));
  }
  return { nodes, edges };
}
