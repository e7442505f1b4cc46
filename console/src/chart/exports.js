// Exports of the chart. Each is written into the access log first (logExport: a DISCLOSURE naming
// the incidents in the file); the file is made only once the service has said yes.
import { logExport } from '../api.js';
import { download } from '../download.js';
import { scope } from '../scope.js';
import { chartCsv } from './csv.js';

/** The incident records a file of this chart holds; a withheld one is named as the pointer it was shown as. */
export const incidentRecords = (graph) =>
  [...graph.nodes.values()].filter((n) => n.kind === 'INCIDENT').map((n) => ({ type: n.withheld ? 'IncidentPointer' : 'Incident', id: n.id }));

const fileName = (base, extension) => `${base.replace(/[^A-Za-z0-9+_-]+/g, '_')}-chart.${extension}`;

export async function exportCsv(graph, base) {
  await logExport('CSV', scope.get(), incidentRecords(graph));
  download(new Blob([chartCsv(graph)], { type: 'text/csv;charset=utf-8' }), fileName(base, 'csv'));
}

export async function exportPng(cy, graph, base) {
  await logExport('PNG', scope.get(), incidentRecords(graph));
  const png = await cy.png({ output: 'blob-promise', full: true, bg: '#ffffff', scale: 2, maxWidth: 4096, maxHeight: 4096 });
  download(png, fileName(base, 'png'));
}
