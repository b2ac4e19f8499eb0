/** The window: sidebar, shortcuts, Workspace, Runtimes and History views, the running-run badge, the consistency matrix. */
export const app = {
  /** The sidebar's aria-label. */
  views: 'Views',
  /** The sidebar's entries, one per view. */
  view: { workspace: 'Workspace', runtimes: 'Runtimes', run: 'Run', results: 'Results', history: 'History', terminals: 'Terminals' },
  /** The sidebar's footer: where the run history is kept. */
  historyFile: 'history: {{file}}',
  shortcuts: {
    title: 'Keyboard shortcuts',
    buttonTitle: 'Keyboard shortcuts (?)',
    close: 'Close',
    /** What each shortcut of the help overlay does. */
    does: {
      start: 'Start the run (Run view)',
      views: 'Workspace, Runtimes, Run, Results, History, Terminals (outside a field or terminal)',
      help: 'Show or hide these shortcuts',
      close: 'Close this overlay or a dialog',
    },
  },
  /** The sidebar's badge of the run measuring now. */
  running: {
    title: 'Run {{runId}}: open the Run view',
    measuring: 'Measuring {{runId}}',
    progress: 'Running run progress',
    steps: '{{done}}/{{total}} · {{scenario}} on {{runtime}}',
    /** After the steps; the leading ' · ' is part of the text. */
    eta: ' · about {{time}} left',
    preparing: 'preparing the environments…',
  },
  matrix: {
    setting: 'Setting',
    differs: 'differs from native',
    /** A setting the runtime leaves empty. */
    unset: '(unset)',
  },
  workspace: {
    title: 'Workspace',
    module: 'Module',
    folder: 'Folder',
    sample: 'embedded sample',
    go: 'Go',
    goNotSet: 'not set in go.mod',
    /** After the Go version; the leading space is part of the text. */
    toolchain: ' (toolchain {{toolchain}})',
    packages: 'Packages',
    /** The number of packages, then the main ones. */
    packagesDetail: '{{packages}} ({{main}} main: {{names}})',
    noMainPackages: 'none',
    testFiles: 'Test files',
    definitions: 'Environment definitions',
    noDefinitions: 'none yet: EnvBench generates them for each runtime',
    openFolder: 'Open folder…',
    folderPath: 'Folder path',
    open: 'Open',
    useSample: 'Use the sample',
    recent: 'Recent',
  },
  runtimes: {
    title: 'Runtimes',
    checkAgain: 'Check again',
    detecting: 'Detecting runtimes…',
    available: 'available',
    unavailable: 'unavailable',
    /** The offline readiness: measured, or not yet. */
    offline: 'Offline: {{state}}',
    ready: 'ready',
    notReady: 'not ready',
    /** After ready or not ready; the leading space is part of the text. */
    offlineDetail: ' ({{detail}})',
    /** Readiness (ready or not ready, then its detail) and the date it was measured. */
    offlineMeasured: '{{readiness}}{{detail}}, measured {{date}}',
    offlineNotMeasured: 'not measured yet (scenario offline-readiness)',
    thisMachine: 'This machine',
    hosts: {
      title: 'Remote hosts',
      none: 'No remote host yet. Add one with `envbench hosts add NAME ssh://user@host`, then measure it with `envbench run --host NAME`.',
      probing: 'Probing over SSH…',
      check: 'Check {{name}} again',
      unreachable: 'unreachable',
      /** The host's machine as its probe found it. */
      machine: '{{kernel}} {{arch}}, {{cpus}} CPUs ({{cpuModel}}), {{memory}} GiB',
      roundTrip: 'SSH round trip {{ms}} ms, never part of a figure',
    },
  },
  history: {
    /** A run measured on a remote host (run --host): its runtimes, then the host's name. */
    onHost: '{{runtimes}} on {{host}}',
    title: 'History',
    compare: 'Compare the two selected',
    confirmDelete: 'Delete run {{id}} and everything measured in it?',
    empty: 'No runs yet: start one in Run, or with `envbench run`.',
    runs: 'Runs',
    column: { run: 'Run', date: 'Date', status: 'Status', workspace: 'Workspace', runtimes: 'Runtimes' },
    select: 'Select {{id}} to compare',
    deleteRun: 'Delete {{id}}',
    delete: 'Delete',
    differentMachines: 'Different machines ({{differences}}): the differences below compare the machines as much as the environments.',
    sameMachine: 'Same machine fingerprint.',
    comparison: { scenario: 'Scenario', runtime: 'Runtime', before: 'Before', after: 'After', ratio: 'After / before', verdict: 'Verdict' },
    significant: 'significant (p={{p}}, Holm)',
    notSignificant: 'not significant (p={{p}}, Holm)',
    noVerdict: 'no verdict: too few samples',
    onlyInOne: 'Only in one run: {{results}}',
    /** A result only one of the two runs has, and which one. */
    onlyIn: { before: '{{runtime}} {{scenario}} (before)', after: '{{runtime}} {{scenario}} (after)' },
    trend: {
      title: 'Trend',
      scenario: 'Trend scenario',
      runtime: 'Trend runtime',
      median: 'median',
      ciHigh: '95% CI high',
      ciLow: '95% CI low',
      chartTitle: '{{scenario}} on {{runtime}} over time',
      milliseconds: 'milliseconds',
      label: 'Trend of {{scenario}} on {{runtime}}',
      machines: 'These runs come from {{n}} different machines.',
      none: 'No run measured {{scenario}} on {{runtime}} yet.',
      loading: 'Loading the trend of {{scenario}} on {{runtime}}…',
    },
  },
};
