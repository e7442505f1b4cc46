// The drawn chart: cytoscape.js on a canvas, fed from the chart's data and marking the selection
// and the path that the node list holds. The list is the chart for keyboards and screen readers;
// the canvas shows the same nodes and accepts clicks.
import cytoscape from 'cytoscape';
import { nodeName } from './nodes.js';
import { ringPositions } from './rings.js';

// Unless an element with this id exists, cytoscape puts a <style> element in the head, which the
// console's Content-Security-Policy (style-src 'self') refuses. Its one rule is in console.css.
const STYLESHEET_ID = '__________cytoscape_stylesheet';

function standInForCytoscapeStylesheet() {
  if (document.getElementById(STYLESHEET_ID)) return;
  const marker = document.createElement('meta');
  marker.id = STYLESHEET_ID;
  document.head.append(marker);
}

// Colours hold 4.5:1 against white for labels, and say the same as the list's descriptions. Kinds
// are classes and text properties apply to labelled nodes only: every property an element takes
// costs at its first drawing, which is most of a big chart's time.
const STYLE = [
  { selector: 'node', style: { width: 22, height: 22, 'background-color': '#0b5cad' } },
  { selector: 'node.labelled, node.start, node.selected, node.on-path, node.withheld', style: {
    label: 'data(caption)', 'font-size': 11, 'font-family': 'system-ui, sans-serif', color: '#1b1f24',
    'text-valign': 'bottom', 'text-margin-y': 4, 'text-wrap': 'wrap', 'text-max-width': 140, 'min-zoomed-font-size': 7,
  } },
  { selector: '.incident', style: { shape: 'round-rectangle', 'background-color': '#57606a', width: 18, height: 18 } },
  { selector: '.vehicle', style: { shape: 'diamond', 'background-color': '#1a7f37' } },
  { selector: '.courier', style: { shape: 'triangle', 'background-color': '#8250df' } },
  { selector: '.suspect', style: { shape: 'pentagon', 'background-color': '#6639ba' } },
  // A withheld record is a pointer, not a record: hollow, dashed, in the withheld colour.
  { selector: 'node.withheld', style: {
    'background-color': '#ffffff', 'border-width': 2, 'border-style': 'dashed', 'border-color': '#8a4b00', color: '#8a4b00',
  } },
  { selector: 'node.start', style: { 'border-width': 3, 'border-color': '#1b1f24', 'border-style': 'double' } },
  { selector: 'edge', style: { width: 1.5, 'line-color': '#8c959f', 'curve-style': 'haystack' } },
  { selector: 'edge.withheld', style: { 'line-style': 'dashed', 'line-color': '#8a4b00' } },
  { selector: '.on-path', style: { 'line-color': '#c2185b', 'background-color': '#c2185b', width: 4, 'z-index': 10 } },
  { selector: 'node.on-path', style: { width: 28, height: 28 } },
  { selector: 'node.selected', style: { 'overlay-color': '#0969da', 'overlay-opacity': 0.25, 'overlay-padding': 8, 'font-weight': 'bold' } },
];

/** Above this many nodes the force-directed layout costs more than the one second a chart may take. */
const FORCE_LAYOUT_LIMIT = 150;
const PADDING = 24;
const READABLE_ZOOM = 1.6;

export function createChart(container, onPick) {
  standInForCytoscapeStylesheet();
  const cy = cytoscape({
    container,
    style: STYLE,
    boxSelectionEnabled: false,
    autounselectify: true,
    minZoom: 0.05,
    maxZoom: 4,
    textureOnViewport: true,
    hideEdgesOnViewport: true,
  });
  cy.on('tap', 'node', (event) => onPick(event.target.id(), event.originalEvent?.shiftKey === true));
  cy.on('zoom', () => labelAll(cy));
  return cy;
}

// Measuring labels is most of the first drawing of a big chart, and at the zoom that fits hundreds
// of nodes they are too small to read: a big chart labels only the start, the selection, the path
// and withheld pointers until it is zoomed in far enough to read the rest.
const LABEL_ZOOM = 0.6;

function labelAll(cy) {
  const all = cy.nodes().length <= FORCE_LAYOUT_LIMIT || cy.zoom() >= LABEL_ZOOM;
  const changed = cy.nodes().filter((node) => node.hasClass('labelled') !== all);
  if (changed.nonempty()) changed.toggleClass('labelled', all);
}

const caption = (node, hidden) => (hidden ? `${nodeName(node)}\n+${hidden} more` : nodeName(node));

/**
 * Adds what is new in the graph, updates captions, and lays the chart out again when anything
 * was added. Every node first takes its place in rings around the start (rings.js); a chart small
 * enough is then relaxed by the force-directed layout from there, a big one stays in rings.
 * Resolves when the chart is laid out.
 */
export function showGraph(cy, graph, hidden, startId, anchor) {
  const rings = ringPositions(graph, startId);
  const around = placesAround(cy, anchor, graph);
  const added = [];
  cy.batch(() => {
    for (const node of graph.nodes.values()) {
      const existing = cy.getElementById(node.id);
      const text = caption(node, hidden.get(node.id));
      if (existing.nonempty()) {
        if (existing.data('caption') !== text) existing.data('caption', text);
      } else {
        const classes = node.withheld ? 'withheld incident' : node.kind.toLowerCase();
        added.push({ group: 'nodes', data: { id: node.id, caption: text }, position: around?.() ?? rings.get(node.id), classes });
      }
    }
    for (const [id, edge] of graph.edges) {
      if (cy.getElementById(id).empty()) {
        const withheld = graph.nodes.get(edge.incident)?.withheld;
        added.push({ group: 'edges', data: { id, source: edge.incident, target: edge.entity }, classes: withheld ? 'withheld' : '' });
      }
    }
    cy.add(added);
    cy.nodes().removeClass('start');
    if (startId) cy.getElementById(startId).addClass('start');
  });
  if (added.length === 0) return Promise.resolve();
  if (cy.nodes().length > FORCE_LAYOUT_LIMIT) {
    const moved = cy.nodes().filter((node) => !samePlace(node.position(), rings.get(node.id())));
    if (moved.nonempty()) moved.positions((node) => rings.get(node.id()));
    fitPositions(cy, rings.values());
    labelAll(cy);
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const layout = cy.layout({ name: 'cose', animate: false, randomize: false, fit: true, padding: PADDING, numIter: 600, idealEdgeLength: () => 50, nodeRepulsion: () => 8000 });
    layout.one('layoutstop', () => {
      labelAll(cy);
      // A chart of a few nodes is fitted at a readable size, not blown up to fill the canvas.
      if (cy.zoom() > READABLE_ZOOM) cy.zoom({ level: READABLE_ZOOM, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
      resolve();
    });
    layout.run();
  });
}

const samePlace = (a, b) => a.x === b.x && a.y === b.y;

/** Fits the viewport to known positions: cy.fit() would first measure every label, which costs most of a big chart's time. */
function fitPositions(cy, positions) {
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const { x, y } of positions) {
    left = Math.min(left, x);
    right = Math.max(right, x);
    top = Math.min(top, y);
    bottom = Math.max(bottom, y);
  }
  const margin = PADDING + 20;
  const zoom = Math.min(cy.width() / (right - left + 2 * margin), cy.height() / (bottom - top + 2 * margin), cy.maxZoom());
  cy.viewport({ zoom, pan: { x: cy.width() / 2 - zoom * (left + right) / 2, y: cy.height() / 2 - zoom * (top + bottom) / 2 } });
}

/**
 * Where a small chart puts what an expand added: on a circle around the expanded node, so that
 * the force-directed layout grows the chart from there and the rest keeps its shape.
 */
function placesAround(cy, anchor, graph) {
  const from = anchor ? cy.getElementById(anchor) : null;
  if (!from?.nonempty() || graph.nodes.size > FORCE_LAYOUT_LIMIT) return null;
  const { x, y } = from.position();
  let i = 0;
  return () => {
    const angle = i++ * 2.4;
    return { x: x + 60 * Math.cos(angle), y: y + 60 * Math.sin(angle) };
  };
}

/** Marks the selected nodes and the path on the canvas. */
export function showMarks(cy, selected, path) {
  cy.batch(() => {
    cy.elements('.selected, .on-path').removeClass('selected on-path');
    for (const id of selected) cy.getElementById(id).addClass('selected');
    for (const id of path?.nodes ?? []) cy.getElementById(id).addClass('on-path');
    for (const id of path?.edges ?? []) cy.getElementById(id).addClass('on-path');
  });
}
