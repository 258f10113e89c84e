// The phone's hybrid logical clock (PROTOCOL.md §9), as `sync_protocol::hlc::HlcClock`: stamps
// from one device always increase, also when the phone's clock goes back, and move past every
// stamp the server sends.

import type { Hlc } from "../../generated/protocol";

/** The next stamp after `last`, at physical time `now` (ms). */
export function tick(last: Hlc, now: number): Hlc {
  if (now > last.wall_ms) return { wall_ms: now, counter: 0, node: last.node };
  return { wall_ms: last.wall_ms, counter: last.counter + 1, node: last.node };
}

/** The clock after receiving `remote` at physical time `now`. */
export function observe(last: Hlc, remote: Hlc, now: number): Hlc {
  const wall = Math.max(last.wall_ms, remote.wall_ms, now);
  let counter = 0;
  if (wall === last.wall_ms && wall === remote.wall_ms) counter = Math.max(last.counter, remote.counter) + 1;
  else if (wall === last.wall_ms) counter = last.counter + 1;
  else if (wall === remote.wall_ms) counter = remote.counter + 1;
  return { wall_ms: wall, counter, node: last.node };
}

/** Whether `a` is later than `b` (wall time, then counter, then node). */
export function after(a: Hlc, b: Hlc): boolean {
  if (a.wall_ms !== b.wall_ms) return a.wall_ms > b.wall_ms;
  if (a.counter !== b.counter) return a.counter > b.counter;
  return a.node > b.node;
}
