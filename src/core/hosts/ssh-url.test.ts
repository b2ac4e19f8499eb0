import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../user-error';
import { remoteCommand } from './ssh';
import { formatSshUrl, parseSshUrl } from './ssh-url';

function refusal(url: string): string {
  try {
    parseSshUrl(url);
  } catch (error) {
    expect(isUserError(error)).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`${url} was accepted`);
}

describe('ssh://user@host[:port]', () => {
  it('takes a login, a host name or [IPv6] and a port', () => {
    expect(parseSshUrl('ssh://dev@build-1.example.com:2222')).toEqual({ user: 'dev', hostname: 'build-1.example.com', port: 2222 });
    expect(parseSshUrl('ssh://box')).toEqual({ user: null, hostname: 'box', port: null });
    expect(parseSshUrl('ssh://root@[::1]:22/')).toEqual({ user: 'root', hostname: '::1', port: 22 });
    expect(formatSshUrl(parseSshUrl('ssh://root@[::1]:22/'))).toBe('ssh://root@[::1]:22');
  });

  it('refuses a password, an option in disguise, a path and a bad port, each with its reason', () => {
    expect(refusal('ssh://dev:secret@box')).toMatch(/password.*ssh-copy-id/);
    expect(refusal('ssh://-oProxyCommand=touch%20x')).toMatch(/not a host name/);
    expect(refusal('ssh://-l@box')).toMatch(/not a login name/);
    expect(refusal('ssh://dev@box/home/dev')).toMatch(/has a path/);
    expect(refusal('ssh://dev@box:70000')).toMatch(/outside 1-65535/);
    expect(refusal('http://box')).toMatch(/does not start with ssh:\/\//);
    expect(refusal('ssh://dev@')).toMatch(/names no host/);
    expect(refusal('ssh://box;reboot')).toMatch(/not a host name/);
  });
});

describe('remoteCommand', () => {
  it('reaches the program with every argument intact, whatever shell syntax it holds', () => {
    const hostile = ["it's", '$(touch /tmp/pwned)', '`id`', 'a b', '*', '\\', '"', 'line\nbreak', ';', '', '-e'];
    const line = remoteCommand(['printf', '%s\\0', ...hostile], { cwd: '/tmp', env: { X: "$HOME'" } });
    // What sshd does with it: the login shell runs the string.
    const result = spawnSync('sh', ['-c', line], { encoding: 'utf8' });
    expect(result.stdout.split('\0').slice(0, -1)).toEqual(hostile);
    const env = spawnSync('sh', ['-c', remoteCommand(['sh', '-c', 'printf %s "$X"'], { env: { X: "$HOME'" } })], { encoding: 'utf8' });
    expect(env.stdout).toBe("$HOME'");
    expect(() => remoteCommand(['true'], { env: { 'A;B': '1' } })).toThrow(/not an environment variable name/);
  });
});
