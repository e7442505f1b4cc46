// Positions in rings around the start, by breadth-first distance: the start in the middle, what
// it is on in the first ring, what those carry in the next. Linear in the chart's size, so that
// a chart of hundreds of nodes is placed in a few milliseconds (a force-directed layout is not).

const SPACING = 34;

export function ringPositions(graph, startId) {
  const neighbours = new Map([...graph.nodes.keys()].map((id) => [id, []]));
  for (const edge of graph.edges.values()) {
    neighbours.get(edge.incident)?.push(edge.entity);
    neighbours.get(edge.entity)?.push(edge.incident);
  }
  const rings = [];
  const seen = new Set();
  const visit = (root) => {
    let ring = [root];
    seen.add(root);
    while (ring.length) {
      rings.push(ring);
      const next = [];
      for (const id of ring) {
        for (const other of neighbours.get(id)) {
          if (!seen.has(other)) {
            seen.add(other);
            next.push(other);
          }
        }
      }
      ring = next;
    }
  };
  if (startId && graph.nodes.has(startId)) visit(startId);
  // Nodes not joined to the start (a path's far end before it is joined) go on outer rings.
  for (const id of graph.nodes.keys()) if (!seen.has(id)) visit(id);

  const positions = new Map();
  let radius = 0;
  rings.forEach((ring, depth) => {
    // Each ring far enough out that its nodes are SPACING apart, and outside the ring before.
    radius = depth === 0 && ring.length === 1 ? 0 : Math.max(radius + SPACING * 2.5, (ring.length * SPACING) / (2 * Math.PI));
    ring.forEach((id, i) => {
      const angle = (2 * Math.PI * i) / ring.length;
      positions.set(id, { x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
    });
  });
  return positions;
}
