// The A/A section of `npm run bench`: how often EnvBench's verdict calls native different
// from native. Far above 5%, the "significant" differences in a run could not be trusted.

import os from 'node:os';
import type { RuntimeSession } from '../core/environments/runtime';
import { aaCheck } from '../core/stats/aa-check';
import { drawDisjointSets, interleavedPairs } from '../core/stats/resample';
import { seededRandom } from '../core/stats/seeded-random';
import type { AaCheckReport } from './aa-check-report';

const AA = { command: ['/bin/true'], poolSize: 4000, n: 10, repetitions: 1000, seed: 1 };

/**
 * A/A check: native against itself. 1000 live pairs of 10 would be 20 000 samples, so one pool
 * is measured through the real path and resampled; the pool in measured order also gives
 * a few interleaved pairs, which keep the machine's drift that resampling removes.
 */
export async function measureAaCheck(session: RuntimeSession, cwd: string): Promise<AaCheckReport> {
  const pool: number[] = [];
  for (let i = 0; i < AA.poolSize + 2; i++) {
    if (i % 250 === 0) process.stderr.write(`\rA/A check: sample ${i + 1}/${AA.poolSize + 2}   `);
    const outcome = await session.exec({ argv: AA.command, cwd }, { timeoutMs: 60_000 });
    if (outcome.exitCode !== 0) throw new Error(`${AA.command.join(' ')} exited with ${outcome.exitCode}: ${outcome.stderr}`);
    if (i >= 2) pool.push(outcome.wallMs); // two warmups, as for the other figures
  }
  const random = seededRandom(AA.seed);
  const resampled = Array.from({ length: AA.repetitions }, () => drawDisjointSets(pool, AA.n, random));
  return {
    command: AA.command.join(' '),
    poolSize: pool.length,
    distinctValues: new Set(pool).size,
    n: AA.n,
    seed: AA.seed,
    load: { average: os.loadavg()[0] ?? 0, cpus: os.cpus().length },
    resampled: aaCheck(resampled),
    interleaved: aaCheck(interleavedPairs(pool, AA.n)),
  };
}
