// How many runs each property gets. CI uses the defaults written next to each property; HOSTILE_RUNS=N deepens every
// property of the suite to at least N runs for a local soak (a failure prints the seed and path to replay it).
import fc from 'fast-check';

const requested = process.env.HOSTILE_RUNS;
const deeper = requested === undefined || requested === '' ? undefined : Number(requested);
if (deeper !== undefined && !(Number.isInteger(deeper) && deeper > 0)) {
  throw new Error(`HOSTILE_RUNS must be a positive integer; received ${JSON.stringify(requested)}.`);
}

/** `defaultRuns`, or HOSTILE_RUNS when that is larger. */
export const propertyRuns = (defaultRuns: number): number => Math.max(defaultRuns, deeper ?? 0);

// Properties that state no count of their own (fast-check's default is 100).
if (deeper !== undefined) fc.configureGlobal({ numRuns: propertyRuns(100) });
