// What a link node is called and where it leads: the accessible name the contract fixes, the
// EntityRef a question starts from, and the words that describe it to a screen reader.
import { href } from '../router.js';

const KINDS = {
  PHONE_NUMBER: 'Phone number',
  VEHICLE: 'Vehicle',
  COURIER: 'Courier',
  SUSPECT: 'Suspect',
  INCIDENT: 'Incident',
};

export const kindName = (kind) => KINDS[kind] ?? kind;

/** "HERTFORDSHIRE" → "Hertfordshire". */
export const forceName = (force) => force.charAt(0) + force.slice(1).toLowerCase();

export const forcesText = (forces) => (forces?.length ? forces.map(forceName).join(', ') : 'no force shown');

/** The node's accessible name: exactly its label; a withheld record says so first. */
export const nodeName = (node) => (node.withheld ? `Withheld: ${node.label}` : node.label);

/**
 * The EntityRef that starts a question from this node (EntityRef.cs: numbers and registrations by
 * their value, people and incidents by the id the service gave). A withheld incident starts
 * nothing: asking by its id is refused and logged as such.
 */
export function refOf(node) {
  if (node.withheld) return null;
  const byValue = node.kind === 'PHONE_NUMBER' || node.kind === 'VEHICLE';
  return { kind: node.kind, key: byValue ? node.label : node.id };
}

export const entityHref = (node) => href('entity', node.kind, refOf(node).key);

/** A sentence for aria-describedby: kind, forces, handling, links, hidden links, the path. */
export function describe(node, hidden, onPath) {
  const parts = [];
  if (node.withheld) {
    const p = node.pointer;
    parts.push(`Withheld incident: a pointer only, handling code ${p?.handling ?? 'C'}.`);
    parts.push(`Ask ${forceName(p?.force ?? node.forces[0])} for reference ${p?.forceReference ?? ''}. It cannot be expanded.`);
  } else {
    parts.push(`${kindName(node.kind)}.`);
    parts.push(`Forces: ${forcesText(node.forces)}.`);
    if (node.degree != null) parts.push(`${node.degree} ${node.degree === 1 ? 'link' : 'links'}${hidden > 0 ? `, ${hidden} not shown` : ''}.`);
  }
  if (onPath) parts.push('On the path.');
  return parts.join(' ');
}
