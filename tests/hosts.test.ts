import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostEntry, HostHealth } from '../src/shared/hosts';
import { haveDockerEngine } from './support/docker';
import { envbench, tempDataDir } from './support/envbench-cli';
import { hasTool } from './support/require-runtime';
import { type SshBox, startSshBox } from './support/ssh-box';

const ready = haveDockerEngine() && hasTool('ssh', ['-V']);

/** stderr's envbench line: one line, exit 2, nothing else printed. */
function expectOneLineRefusal(result: { status: number | null; stderr: string; stdout: string }, pattern: RegExp): void {
  expect(result.status, result.stderr).toBe(2);
  expect(result.stderr.trim().split('\n').filter((l) => l.startsWith('envbench:'))).toHaveLength(1);
  expect(result.stderr).toMatch(pattern);
}

describe('envbench hosts: bad input', () => {
  it('refuses an unknown host, a malformed URL, a password and a bad name, each in one line with exit 2', () => {
    const data = tempDataDir();
    expectOneLineRefusal(envbench(['hosts', 'doctor', 'box'], data), /Unknown host "box": no host has been added\. Add it with/);
    expectOneLineRefusal(envbench(['hosts', 'add', 'box', 'http://box', '--no-check'], data), /Not an SSH host URL: "http:\/\/box": it does not start with ssh:\/\//);
    expectOneLineRefusal(envbench(['hosts', 'add', 'box', 'ssh://dev:hunter2@box', '--no-check'], data), /carries a password/);
    expectOneLineRefusal(envbench(['hosts', 'add', 'box', 'ssh://-oProxyCommand=sh@box', '--no-check'], data), /not a login name/);
    expectOneLineRefusal(envbench(['hosts', 'add', 'Box 1', 'ssh://box', '--no-check'], data), /Not a host name: "Box 1"/);
    expectOneLineRefusal(envbench(['hosts', 'add', 'box', 'ssh://box', '--no-check', '--identity-file', path.join(data, 'none')], data), /No private key file at/);
    // Nothing was saved by any of them.
    expect(fs.existsSync(path.join(data, 'hosts.json'))).toBe(false);
    expect(envbench(['hosts', 'add', 'box', 'ssh://dev@box.invalid:2222', '--no-check'], data).status).toBe(0);
    expectOneLineRefusal(envbench(['hosts', 'add', 'box', 'ssh://other', '--no-check'], data), /A host named "box" exists: it is ssh:\/\/dev@box\.invalid:2222/);
    expectOneLineRefusal(envbench(['hosts', 'remove', 'nope'], data), /Unknown host "nope": the hosts are box/);
    const listed = JSON.parse(envbench(['hosts', 'list', '--json'], data).stdout) as HostEntry[];
    expect(listed.map((h) => [h.name, h.url])).toEqual([['box', 'ssh://dev@box.invalid:2222']]);
  });

  it('explains a host whose name does not resolve in one line, exit 1', () => {
    const data = tempDataDir();
    envbench(['hosts', 'add', 'gone', 'ssh://dev@box.invalid', '--no-check'], data);
    const result = envbench(['hosts', 'doctor', 'gone'], data);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/gone \(ssh:\/\/dev@box\.invalid\): the name box\.invalid does not resolve/);
  });
});

describe.runIf(ready)('envbench hosts against a second machine on loopback (SSH box)', () => {
  let box: SshBox;
  beforeAll(async () => {
    box = await startSshBox();
  }, 600_000);
  afterAll(async () => {
    await box?.stop();
  });

  it('adds the box after a real probe, and doctor reports its machine and tools', () => {
    const data = tempDataDir();
    const added = envbench(['hosts', 'add', 'box', box.url, '--identity-file', box.identityFile, '--known-hosts', box.knownHostsFile], data);
    expect(added.status, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^Added box \(ssh:\/\/dev@127\.0\.0\.1:\d+\): Linux /);
    const doctor = envbench(['hosts', 'doctor', 'box', '--json'], data);
    expect(doctor.status, doctor.stderr).toBe(0);
    const health = JSON.parse(doctor.stdout) as HostHealth;
    expect(health.reachable).toBe(true);
    expect(health.machine?.cpus).toBeGreaterThan(0);
    expect(health.roundTripMs).toBeGreaterThan(0);
    const tool = (name: string) => health.tools.find((t) => t.name === name)!;
    // Go is at /usr/local/go/bin, not on a non-login shell's PATH: the probe finds it there.
    expect(tool('go').version).toMatch(/^1\.\d+/);
    expect(tool('rsync').reason).toBeNull();
    expect(tool('nix').reason).toMatch(/not installed: install Nix on the host/);
    expect(tool('devbox').reason).toMatch(/not installed/);
    const text = envbench(['hosts', 'doctor', 'box'], data);
    expect(text.stdout).toMatch(/SSH round trip [\d.]+ ms \(never part of a figure\)/);
    expect(envbench(['hosts', 'remove', 'box'], data).status).toBe(0);
    expect(JSON.parse(envbench(['hosts', 'list', '--json'], data).stdout)).toEqual([]);
  });

  it('refuses a host whose key does not match known_hosts, or is not in it, and saves nothing', () => {
    const data = tempDataDir();
    expectOneLineRefusal(
      envbench(['hosts', 'add', 'box', box.url, '--identity-file', box.identityFile, '--known-hosts', box.wrongKnownHostsFile], data),
      /Not adding box: box \(ssh:\/\/dev@127\.0\.0\.1:\d+\) presented a host key that does not match/,
    );
    const empty = path.join(data, 'empty_known_hosts');
    fs.writeFileSync(empty, '');
    expectOneLineRefusal(envbench(['hosts', 'add', 'box', box.url, '--identity-file', box.identityFile, '--known-hosts', empty], data), /its host key is not in .*empty_known_hosts, so EnvBench does not trust it/);
    expect(fs.existsSync(path.join(data, 'hosts.json'))).toBe(false);
  });

  it('explains a refused login and an unreachable port in one line', () => {
    const data = tempDataDir();
    const stranger = path.join(data, 'stranger');
    fs.writeFileSync(stranger, fs.readFileSync(path.join(box.dir, 'other_host_key')));
    fs.chmodSync(stranger, 0o600);
    expectOneLineRefusal(envbench(['hosts', 'add', 'box', box.url, '--identity-file', stranger, '--known-hosts', box.knownHostsFile], data), /refused the login .*ssh-copy-id/);
    // Port 9 (discard): nothing listens on it here.
    expectOneLineRefusal(envbench(['hosts', 'add', 'box', 'ssh://dev@127.0.0.1:9', '--known-hosts', box.knownHostsFile], data), /unreachable: connection refused on port 9; is sshd running there\?/);
  });
});
