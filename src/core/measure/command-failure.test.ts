import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeasuredOutcome } from './measured-process';
import { failingTests, sampleFailure } from './command-failure';

// Real `go test -count=1 ./...` output of go1.26.8, kept as it was printed, from a module whose tests
// fail four ways (t.Fatalf, a failing subtest, a panic, a test that does not build) and, with -race,
// a data race.
const testdata = (name: string): string => fs.readFileSync(path.join(__dirname, 'testdata', name), 'utf8');

function failed(stdout: string, stderr: string): MeasuredOutcome {
  return { exitCode: 1, stdout, stderr, wallMs: 10, innerWallMs: 10, timedOut: false, cancelled: false, report: { userMs: 1, sysMs: 1, maxRssKb: 1, readBytes: 0, writeBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, ioAvailable: true, execError: null } } as unknown as MeasuredOutcome;
}

describe('failingTests', () => {
  it('lists each failing test with what it said, and each failing package, not the stack trace', () => {
    const reason = failingTests(`${testdata('go-test-fail.stdout')}\n${testdata('go-test-fail.stderr')}`);
    expect(reason?.split(' | ')).toEqual([
      '--- FAIL: TestAdd (0.00s): a_test.go:7: Add(2, 2) = 0, want 4',
      '--- FAIL: TestAddTable (0.00s)',
      '--- FAIL: TestAddTable/two (0.00s): a_test.go:15: got 0, want 2',
      '--- FAIL: TestIndex (0.00s): panic: runtime error: index out of range [5] with length 2 [recovered, repanicked]',
      'FAIL example.com/gtf/a 0.009s',
      'FAIL example.com/gtf/b 0.010s',
      'FAIL example.com/gtf/d [build failed]',
      'd/d_test.go:5:32: undefined: Undefined',
    ]);
    expect(reason).not.toMatch(/testing\.go|goroutine|tRunner/);
  });

  it('names the race the race detector found', () => {
    expect(failingTests(testdata('go-test-race.stdout'))).toBe('--- FAIL: TestRace (0.00s): testing.go:1712: race detected during execution of test | FAIL example.com/gtf/r 0.008s');
  });

  it('is null for output that is not a test failure', () => {
    expect(failingTests('go: cannot find main module, but found .git/config\n')).toBeNull();
  });

  it('shows at most ten tests and counts the rest', () => {
    const output = Array.from({ length: 13 }, (_, i) => `--- FAIL: Test${i} (0.00s)\n    x_test.go:1: no`).join('\n') + '\nFAIL\nFAIL\texample.com/m\t0.1s\n';
    const parts = failingTests(output)!.split(' | ');
    expect(parts).toHaveLength(12);
    expect(parts[10]).toBe('… and 3 more failing tests');
  });
});

describe('sampleFailure', () => {
  it('gives a failed go test its failing tests, and other commands their last lines', () => {
    const stdout = testdata('go-test-fail.stdout');
    const stderr = testdata('go-test-fail.stderr');
    expect(sampleFailure(['go', 'test', '-count=1', './...'], failed(stdout, stderr), 1000)).toMatch(/^`go test -count=1 \.\/\.\.\.` exited with 1: --- FAIL: TestAdd \(0\.00s\): a_test\.go:7: /);
    expect(sampleFailure(['go', 'vet', './...'], failed('', 'vet: x.go:1: bad\n'), 1000)).toBe('`go vet ./...` exited with 1: vet: x.go:1: bad');
  });
});
