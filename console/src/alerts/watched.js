// The caller's watches by id, for saying which watched entity an alert is about: read with the
// alerts' first page (use-alerts.js) and added to when a watch is placed (chart/WatchButton.jsx),
// since a live alert names only its watch's id.
import { signal } from '../signal.js';

export const watched = signal(new Map());

export const noteWatch = (watch) => watched.set(new Map(watched.get()).set(watch.id, watch));
