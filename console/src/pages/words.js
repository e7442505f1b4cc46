// The schema's enum values as a person reads them: ESSEX → Essex, NOTE_ADDED → Note added.

export const FORCES = ['BEDFORDSHIRE', 'CAMBRIDGESHIRE', 'ESSEX', 'HERTFORDSHIRE', 'NORFOLK', 'SUFFOLK'];

/** An enum value in words, first letter capital: INCIDENT_ATTACHED → "Incident attached". */
export const words = (value) => {
  if (!value) return '';
  const text = value.toLowerCase().replaceAll('_', ' ');
  return text[0].toUpperCase() + text.slice(1);
};

export const forceNames = (forces) => forces.map(words).join(', ');

/** 12,345 entries, 1 entry. */
export const count = (n, one, many) => `${Number(n).toLocaleString('en-GB')} ${n === 1 ? one : many}`;
