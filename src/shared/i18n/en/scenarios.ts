/** The scenarios' titles, by id (the catalogue's English titles in src/core/scenarios/catalog.ts; a test keeps them equal). */
export const scenarios = {
  'startup-cold': 'Cold start',
  'startup-warm': 'Warm start',
  'build-clean': 'Clean build',
  'build-incremental': 'Incremental build',
  test: 'Tests',
  'test-race': 'Tests with the race detector',
  vet: 'Vet',
  'gopls-load': 'gopls workspace load',
  'debug-breakpoint': 'Debugger to first breakpoint',
  'file-sync': 'File sync latency',
  'remote-sync': 'Edit to remote host',
  'mount-build': 'Build on the mount vs a copy',
  'modcache-isolation': 'Module cache isolation',
  'offline-readiness': 'Offline readiness',
  consistency: 'Environment consistency',
  'reproducible-build': 'Reproducible build',
};
