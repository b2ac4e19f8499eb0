import { describe, expect, it } from 'vitest';
import { formatElapsed, HEARTBEAT_MS, RunStatus } from './progress-line';

function stream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, columns: 200, text: '', write: (chunk: string) => ((s.text += chunk), true) };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('RunStatus', () => {
  it('piped: a plain line at every step, and the current step again after HEARTBEAT_MS of silence', () => {
    let now = 0;
    const out = stream(false);
    const status = new RunStatus(out, () => now);
    try {
      status.log('preparing docker');
      status.log('Step 4/7 : COPY go /usr/local/go');
      now = HEARTBEAT_MS - 2000;
      status.heartbeat();
      expect(out.text).toBe('envbench: 0:00 preparing docker\n');
      now = HEARTBEAT_MS;
      status.heartbeat();
      expect(out.text.split('\n')[1]).toBe('envbench: 0:10 still preparing docker (Step 4/7 : COPY go /usr/local/go) (0:10 on this step)');
      status.stepStarting({ runtime: 'docker', scenario: 'test-race', phase: 'measure', sample: 3, of: 10 });
      status.progress({ runId: 'r', runtime: 'docker', scenario: 'test-race', phase: 'measure', sample: 3, of: 10, completedSteps: 5, totalSteps: 20, etaMs: 90_000 });
      now = 2 * HEARTBEAT_MS + 5000;
      status.heartbeat();
      expect(out.text.trim().split('\n').slice(2)).toEqual(['envbench: 0:10 test-race on docker: measure 3/10', 'envbench: 0:25 [5/20] still test-race on docker: measure 3/10 (0:15 on this step) · ETA 1m30s']);
    } finally {
      status.stop();
    }
  });

  it('on a terminal: one line rewritten in place, never a heartbeat line', () => {
    let now = 0;
    const out = stream(true);
    const status = new RunStatus(out, () => now);
    status.stepStarting({ runtime: 'nix', scenario: 'vet', phase: 'warmup', sample: 1, of: 1 });
    now = 65_000;
    status.heartbeat();
    expect(out.text.split('\r\x1b[2K').filter(Boolean)).toEqual(['vet on nix: warmup 1/1 · 0:00', 'vet on nix: warmup 1/1 · 1:05']);
    status.stop();
    expect(out.text.endsWith('\r\x1b[2K')).toBe(true);
    expect(out.text).not.toContain('\n');
  });

  it("--style basic: plain lines on a terminal too; --style none: nothing", () => {
    let now = 0;
    const basicOut = stream(true);
    const basic = new RunStatus(basicOut, () => now, 'basic');
    const noneOut = stream(true);
    const none = new RunStatus(noneOut, () => now, 'none');
    for (const status of [basic, none]) {
      status.stepStarting({ runtime: 'nix', scenario: 'vet', phase: 'warmup', sample: 1, of: 1 });
      now = HEARTBEAT_MS;
      status.heartbeat();
      status.stop();
    }
    expect(basicOut.text).toBe('envbench: 0:00 vet on nix: warmup 1/1\nenvbench: 0:10 still vet on nix: warmup 1/1 (0:10 on this step)\n');
    expect(noneOut.text).toBe('');
  });

  it('formats elapsed time as m:ss, and h:mm:ss past an hour', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(65_400)).toBe('1:05');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
  });
});
