/** The Terminals view. */
export const terminals = {
  title: 'Terminals',
  runtime: 'Terminal runtime',
  machine: 'Machine the terminal opens on',
  thisMachine: 'this machine',
  /** A remote host in the machine list: its name. */
  onHost: 'on {{name}}',
  /** After a runtime's id; the leading space is part of the text. */
  unavailable: ' (unavailable)',
  offlineTitle: 'Prepare the environment as an offline run does: local definitions, no network',
  offline: 'Offline',
  opening: 'Opening…',
  open: 'New terminal',
  /** After a tab's title once its shell has ended; the leading space is part of the text. */
  exited: ' (exited {{code}})',
  broadcastTitle: 'Type into every terminal with broadcast on',
  broadcast: 'broadcast',
  close: 'Close {{title}}',
  empty: 'Open a shell inside an environment: the host, the Docker container, DinD, nix develop or devbox shell.',
};
