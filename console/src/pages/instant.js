// Moments typed by people ("As of", the access log's From and To) are checked here, before any
// request: the contract's DateTime is RFC 3339 with an offset, and a typo should be told at once,
// not turned into a server error or, worse, silently read as another moment.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-](\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const realDate = (y, m, d) => {
  const date = new Date(Date.UTC(+y, +m - 1, +d));
  return date.getUTCFullYear() === +y && date.getUTCMonth() === +m - 1 && date.getUTCDate() === +d;
};

/**
 * Reads a moment typed by a person: { value } to send (RFC 3339, T and Z upper-case), or
 * { error } to show. Empty text is { value: null }. With `day: 'start'` or `day: 'end'`, a bare
 * date (2024-03-01) is also taken, as the first or last moment of that day in UTC.
 */
export function readInstant(text, { name, day } = {}) {
  const typed = text.trim();
  if (!typed) return { value: null };
  const example = day ? '2024-03-01T00:00:00Z or 2024-03-01' : '2024-03-01T00:00:00Z';
  const date = DATE.exec(typed);
  if (date && day) {
    if (!realDate(date[1], date[2], date[3])) return { error: `${name}: ${typed} is not a date.` };
    return { value: `${typed}T${day === 'start' ? '00:00:00Z' : '23:59:59.999999Z'}` };
  }
  const m = RFC3339.exec(typed);
  if (!m) return { error: `${name} must be a date and time with an offset (RFC 3339), such as ${example}.` };
  const [, y, mo, d, h, mi, s, , , oh, om] = m;
  if (!realDate(y, mo, d)) return { error: `${name}: ${y}-${mo}-${d} is not a date.` };
  if (+h > 23 || +mi > 59 || +s > 59) return { error: `${name}: ${h}:${mi}:${s} is not a time of day.` };
  if (oh !== undefined && (+oh > 23 || +om > 59)) return { error: `${name}: ${m[8]} is not an offset from UTC.` };
  return { value: typed.replace(/^(.{10})[t ]/, '$1T').replace(/z$/, 'Z') };
}

/** "2024-03-01 14:05:00 UTC" from the service's RFC 3339 (always UTC, with a Z). */
export function showInstant(iso) {
  if (!iso) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}
