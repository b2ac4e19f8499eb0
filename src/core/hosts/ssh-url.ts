import { HOST_NAME_PATTERN } from '../../shared/hosts';
import { UserError } from '../user-error';

export interface SshTarget {
  user: string | null;
  hostname: string;
  port: number | null;
}

const EXAMPLE = 'ssh://user@host or ssh://user@host:2222';

/**
 * `ssh://user@host[:port]`, checked strictly: a login and a host name (or [IPv6]) OpenSSH takes as
 * such and never as an option (no leading "-"), a port from 1 to 65535, and nothing else. A
 * password in the URL is refused: it would sit in the shell's history and the process list.
 */
export function parseSshUrl(url: string): SshTarget {
  const bad = (why: string, fix = `Write it as ${EXAMPLE}`): UserError => new UserError(`Not an SSH host URL: ${JSON.stringify(url)}`, why, fix);
  if (!url.startsWith('ssh://')) throw bad('it does not start with ssh://');
  const rest = url.slice('ssh://'.length).replace(/\/$/, '');
  const at = rest.lastIndexOf('@');
  const login = at >= 0 ? rest.slice(0, at) : null;
  const address = at >= 0 ? rest.slice(at + 1) : rest;
  if (login !== null && login.includes(':')) {
    throw bad('it carries a password, which would be kept in your shell history and seen in the process list', 'Drop the password: EnvBench logs in with your SSH key or agent (ssh-copy-id puts your key on the host)');
  }
  if (login !== null && !/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(login)) throw bad(`"${login}" is not a login name (letters, digits, "_", "." and "-", not starting with "-")`);
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}))(?::([0-9]{1,5}))?$/.exec(address);
  if (!match) {
    if (address === '') throw bad('it names no host');
    if (address.includes('/')) throw bad('it has a path; EnvBench chooses the folder it uses on the host');
    throw bad(`"${address}" is not a host name, [IPv6 address] or host:port`);
  }
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535)) throw bad(`port ${match[2]} is outside 1-65535`);
  return { user: login, hostname: match[1]!.replace(/^\[|\]$/g, ''), port };
}

/** The URL as EnvBench stores and shows it. */
export function formatSshUrl(target: SshTarget): string {
  const host = target.hostname.includes(':') ? `[${target.hostname}]` : target.hostname;
  return `ssh://${target.user ? `${target.user}@` : ''}${host}${target.port !== null ? `:${target.port}` : ''}`;
}

/** A host's name, checked as `--host NAME` and the registry need it. */
export function checkHostName(name: string): string {
  if (!HOST_NAME_PATTERN.test(name)) {
    throw new UserError(`Not a host name: ${JSON.stringify(name)}`, 'a name is a lower-case letter, then up to 31 lower-case letters, digits or "-"', 'Choose a short name such as "box" or "build-1"');
  }
  return name;
}
