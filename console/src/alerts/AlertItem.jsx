import { href } from '../router.js';
import { forceName, forcesText, kindName } from '../chart/nodes.js';
import { showInstant } from '../pages/instant.js';

const KIND = {
  NEW_LINK: 'New link',
  NEW_MATCH: 'New match',
  CASE_INCIDENT: 'New incident on a case',
};

/** Why it was raised, in a sentence after the link to the record that raised it. */
function reason({ kind, match }, watch) {
  if (kind === 'NEW_LINK') return watch ? `carries ${watch.entity.label} (${kindName(watch.entity.kind).toLowerCase()}), which you watch` : 'carries something you watch';
  if (kind === 'NEW_MATCH') return match ? `${match.key} now joins ${forcesText(match.forces)}` : 'a match now involves your force';
  return 'carries something on a case of yours';
}

/**
 * One alert: its kind in words, a link to the incident that raised it (its entity page), or the
 * pointer alone when that record is withheld from the caller ("Withheld: FORCE REFERENCE"), and when.
 */
export function AlertItem({ alert, watch }) {
  const { incident, pointer } = alert;
  return (
    <li>
      <strong>{KIND[alert.kind] ?? alert.kind}:</strong>{' '}
      {incident
        ? <a href={href('entity', 'INCIDENT', incident.id)}>{forceName(incident.force)} {incident.forceReference}</a>
        : <span class="withheld">Withheld: {pointer.force} {pointer.forceReference}</span>}{' '}
      {reason(alert, watch)}.
      {!incident && <span class="about"> A pointer only, handling code {pointer.handling}: ask {forceName(pointer.force)} for it.</span>}
      {' '}<time dateTime={alert.at}>{showInstant(alert.at)}</time>
    </li>
  );
}
