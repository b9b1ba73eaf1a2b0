/** Time labels as Messenger writes them, in the browser's locale. */

const MINUTE = 60_000;

/** A gap longer than this between two messages gets a centred time label (Messenger uses ~15 min). */
export const SEPARATOR_GAP_MS = 15 * MINUTE;

/** Consecutive bubbles from one sender closer than this are drawn as one group. */
export const GROUP_GAP_MS = 5 * MINUTE;

/** `14:03`, `Tue 14:03` within a week, else `3 Mar 2026, 14:03`; `now` on the emulator's clock, which tests move. */
export function separatorLabel(timestamp, now) {
  const date = new Date(timestamp);
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (sameDay(date, new Date(now))) return time;
  if (now - timestamp < 6 * 24 * 60 * MINUTE) {
    return `${date.toLocaleDateString(undefined, { weekday: 'short' })} ${time}`;
  }
  return `${date.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })}, ${time}`;
}

/** The full date and time shown when hovering a bubble. */
export function hoverLabel(timestamp) {
  return new Date(timestamp).toLocaleString(undefined, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function sameDay(a, b) {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}
