import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measureHelperArgs, measureHelperPath } from '../src/core/measure/measure-helper';
import { runMeasured } from '../src/core/measure/measured-process';
import { RESOURCES } from './support/envbench-cli';

const helper = measureHelperPath(RESOURCES);

function measure(command: string[], options: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  return runMeasured({
    program: helper,
    args: measureHelperArgs(command, options.timeoutMs ?? 30_000),
    cwd: os.tmpdir(),
    env: process.env,
    timeoutMs: options.timeoutMs ?? 30_000,
    signal: options.signal,
  });
}

function processAlive(pattern: string): boolean {
  return spawnSync('pgrep', ['-f', pattern]).status === 0;
}

describe('envbench-measure helper', () => {
  it('is a static binary', () => {
    const file = spawnSync('file', [helper], { encoding: 'utf8' });
    if (file.status === 0) expect(file.stdout).toMatch(/statically linked|static-pie/);
  });

  it('measures CPU, peak RSS and exit code of the whole process tree', async () => {
    // A child that burns ~300 ms of CPU and holds ~64 MiB, started through a parent process.
    const script = 'const b = Buffer.alloc(64 * 1024 * 1024, 1); const end = Date.now() + 300; while (Date.now() < end) {} process.exit(b[0] === 1 ? 3 : 0);';
    const outcome = await measure([process.execPath, '-e', `require('child_process').spawnSync(process.execPath, ['-e', ${JSON.stringify(script)}], { stdio: 'inherit' }); process.exit(0)`]);
    const report = outcome.report!;
    expect(report).not.toBeNull();
    expect(report.exitCode).toBe(0);
    expect(report.userMs + report.sysMs).toBeGreaterThan(250);
    expect(report.maxRssKb).toBeGreaterThan(64 * 1024);
    expect(report.wallNs / 1e6).toBeGreaterThan(300);
  });

  it('counts bytes read and written by children', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-io-'));
    const input = path.join(dir, 'in.bin');
    fs.writeFileSync(input, Buffer.alloc(8 * 1024 * 1024, 7));
    const outcome = await measure(['cp', input, path.join(dir, 'out.bin')]);
    expect(outcome.report!.readBytes).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    expect(outcome.report!.writeBytes).toBeGreaterThanOrEqual(8 * 1024 * 1024);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts read and write system calls of children, not its own', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-calls-'));
    const input = path.join(dir, 'in.bin');
    fs.writeFileSync(input, Buffer.alloc(200 * 4096, 7));
    // dd: exactly 200 reads and 200 writes of its own, plus a few of the loader and libc.
    const copy = await measure(['dd', `if=${input}`, `of=${path.join(dir, 'out.bin')}`, 'bs=4096', 'status=none']);
    expect(copy.report!.readCalls).toBeGreaterThanOrEqual(200);
    expect(copy.report!.readCalls).toBeLessThan(260);
    expect(copy.report!.writeCalls).toBeGreaterThanOrEqual(200);
    expect(copy.report!.writeCalls).toBeLessThan(260);
    // A program that only writes: what is left is the kernel's (and, when dynamic, the loader's) reads of executables.
    const quiet = await measure([helper, '--version']);
    expect(quiet.report!.writeCalls).toBe(1);
    const isStatic = /statically linked|static-pie/.test(spawnSync('file', [helper], { encoding: 'utf8' }).stdout ?? '');
    expect(quiet.report!.readCalls).toBeLessThanOrEqual(isStatic ? 2 : 20);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('passes the exit code through and keeps stderr clean of its report', async () => {
    const outcome = await measure(['sh', '-c', 'echo oops >&2; exit 7']);
    expect(outcome.exitCode).toBe(7);
    expect(outcome.report!.exitCode).toBe(7);
    expect(outcome.stderr.trim()).toBe('oops');
  });

  it('reports a command that cannot start', async () => {
    const outcome = await measure(['envbench-no-such-program-xyz']);
    expect(outcome.report!.execError).toMatch(/No such file/);
    expect(outcome.exitCode).toBe(127);
  });

  it('kills the whole process tree on timeout', async () => {
    const background = `30.${process.pid}1`;
    const foreground = `30.${process.pid}2`;
    const outcome = await measure(['sh', '-c', `sleep ${background} & sleep ${foreground}`], { timeoutMs: 300 });
    expect(outcome.timedOut).toBe(true);
    expect(outcome.report!.wallNs / 1e6).toBeLessThan(5_000);
    expect(processAlive(`sleep ${background}`)).toBe(false);
    expect(processAlive(`sleep ${foreground}`)).toBe(false);
  });

  it('stops the command tree when cancelled and still reports', async () => {
    const controller = new AbortController();
    const duration = `40.${process.pid}`;
    const pending = measure(['sh', '-c', `sleep ${duration} & sleep ${duration}`], { signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    const outcome = await pending;
    expect(outcome.cancelled).toBe(true);
    expect(outcome.outerWallMs).toBeLessThan(5_000);
    expect(processAlive(`sleep ${duration}`)).toBe(false);
  });
});
