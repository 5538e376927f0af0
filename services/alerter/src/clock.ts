// Time is a parameter of every alerter stage so grouping, storm control and expiry are testable
// without sleeps; production passes the wall clock.

/** Milliseconds since the epoch, like Date.now. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
