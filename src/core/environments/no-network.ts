import os from 'node:os';

/** How a host-side runtime cuts the network, said with every offline-readiness verdict. */
export const NETWORK_NAMESPACE_ISOLATION = 'private network namespace (unshare --net): no interface but a loopback that is down';

/**
 * The program and arguments that run `program args` in a new, empty network namespace.
 * unshare execs the program (no extra process), so the measure helper stays the direct child.
 * Root needs nothing else; another user maps itself to root in a user namespace, which needs
 * unprivileged user namespaces (most distributions allow them).
 */
export function withoutNetwork(program: string, args: readonly string[]): { program: string; args: string[] } {
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return { program: 'unshare', args: ['--net', ...(asRoot ? [] : ['--map-root-user']), '--', program, ...args] };
}

/** unshare's own refusal (no permission, no user namespaces), as a sentence, or null. */
export function namespaceFailure(stderr: string): string | null {
  const line = stderr.split('\n').find((l) => l.startsWith('unshare:'));
  if (!line) return null;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const fix = root ? 'the kernel refused a new network namespace' : `user ${os.userInfo().username} may not create user namespaces: run as root, or enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)`;
  return `could not cut the network (${line.trim()}): ${fix}`;
}
