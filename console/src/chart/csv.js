// The chart as CSV: one row per node, then one per edge. A cell that a spreadsheet would take for
// a formula (it starts with = + - @, a tab or a carriage return) is prefixed with ' so that opening
// the file runs nothing (OWASP, "CSV Injection"); a phone number keeps its digits after the '.

const HEADER = ['record', 'id', 'kind', 'label', 'withheld', 'forces', 'handling', 'degree', 'incident', 'entity', 'role'];

export function cell(value) {
  let text = value == null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function chartCsv(graph) {
  const rows = [HEADER];
  for (const node of graph.nodes.values()) {
    rows.push(['node', node.id, node.kind, node.label, node.withheld, (node.forces ?? []).join(' '), node.pointer?.handling ?? '', node.degree ?? '', '', '', '']);
  }
  for (const edge of graph.edges.values()) {
    rows.push(['edge', '', '', '', '', '', '', '', edge.incident, edge.entity, edge.role]);
  }
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
