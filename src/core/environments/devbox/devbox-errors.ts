
// Devbox's own messages, cut to what a person needs, and what its failures mean.

// Colours and cursor moves Devbox prints on a terminal (ESC [ ... letter).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
const NETWORK_FAILURE = /search\.devbox\.sh|cache\.nixos\.org|dial tcp|no such host|could not resolve|Temporary failure in name resolution|network is unreachable|unable to download/i;
const SANDBOX_HIDES_BASH = /\/bin\/bash.*(No such file|not found)|executing '\/bin\/bash'/i;

/** Devbox's own first lines of stderr, without its progress lines. */
export function devboxError(stderr: string, lines = 3): string {
  const all = stderr
    .replace(ANSI, '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^(Info:|warning:|\u2713|[\u2800-\u28ff]|Ensuring packages are installed|Starting a devbox shell|Finished installing packages)/i.test(l));
  const errorAt = all.findIndex((l) => /^Error:/i.test(l));
  const picked = (errorAt >= 0 ? all.slice(errorAt) : all).slice(0, lines).join(' | ');
  return picked || 'nothing on stderr';
}

/** Devbox's message plus what it means for EnvBench (the network, the sandbox), as one sentence. */
export function devboxFailure(stderr: string, offline: boolean): string {
  const says = `Devbox says: ${devboxError(stderr)}`;
  if (NETWORK_FAILURE.test(stderr)) {
    return offline
      ? `${says}. Offline, Devbox still reached for the network: something in the definition (a package, or the nixpkgs its shell takes mkShell from) is neither in devbox.lock with a store path this machine has nor a local flake`
      : `${says}. Devbox needs the network to resolve packages (search.devbox.sh) and download them (cache.nixos.org); \`envbench run --offline\` makes EnvBench give Devbox a local flake with this machine's Go toolchain instead`;
  }
  if (SANDBOX_HIDES_BASH.test(stderr)) {
    return `${says}. The offline flake's packages are built by the host's /bin/bash, which Nix's sandbox hides: set \`sandbox = false\` in nix.conf (Debian's nix-bin does)`;
  }
  return says;
}
