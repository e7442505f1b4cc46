// The purpose and justification an investigator's work goes through (the contract's access
// scope). Kept for the browser tab only (sessionStorage): a new tab or a new sign-in asks again.
import { signal } from './signal.js';

export const PURPOSES = [
  ['INVESTIGATION', 'Investigation'],
  ['INTELLIGENCE_DEVELOPMENT', 'Intelligence development'],
  ['SAFEGUARDING', 'Safeguarding'],
  ['PROSECUTION', 'Prosecution'],
];

export const purposeLabel = (value) => PURPOSES.find(([v]) => v === value)?.[1] ?? value;

const KEY = 'ersou.scope';
const stored = () => {
  try {
    return JSON.parse(sessionStorage.getItem(KEY));
  } catch {
    return null;
  }
};

/** { purpose, justification } or null before work starts. */
export const scope = signal(stored());

export function startWork(purpose, justification) {
  const value = { purpose, justification };
  sessionStorage.setItem(KEY, JSON.stringify(value));
  scope.set(value);
}

export function endWork() {
  sessionStorage.removeItem(KEY);
  scope.set(null);
}

/** The variables every scoped contract operation takes: $purpose and $why. */
export const scopeVariables = () => ({ purpose: scope.get().purpose, why: scope.get().justification });
