// Hash routes (#/entity/PHONE_NUMBER/+447700900500): what an investigator looks at never
// travels to the server in a URL, a Referer or a proxy log.
import { signal } from './signal.js';

const parse = () => {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { page: parts[0] ?? '', args: parts.slice(1) };
};

export const route = signal(parse());
addEventListener('hashchange', () => route.set(parse()));

/** The href of a page: href('entity', 'PHONE_NUMBER', '+44…'). */
export const href = (...parts) => '#/' + parts.map(encodeURIComponent).join('/');

export const go = (...parts) => {
  location.hash = href(...parts);
};
