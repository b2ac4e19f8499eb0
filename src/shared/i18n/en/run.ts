/** The Run view: the form, the plan, the live progress and log. */
export const run = {
  title: 'Run',
  pickWorkspace: 'Pick a workspace first.',
  runtimes: 'Runtimes',
  /** After a runtime's id; the leading space is part of the text. */
  unavailable: ' (unavailable)',
  samples: 'Samples',
  /** The plan's and the progress's first column. */
  scenario: 'Scenario',
  runs: 'Runs',
  plannedTitle: "Samples chosen to fit the budget from this machine's past runs; each result stops once its median is known within 2%",
  planned: 'Planned',
  plannedWithin: 'planned within',
  budget: 'Budget in minutes',
  minutes: 'minutes',
  warmup: 'Warmup',
  offline: 'offline (GOPROXY=off, no network fetches)',
  firstRun: 'First run',
  firstRunTitle: 'Startup scenarios: the command whose exit ends a start, split into words without a shell',
  firstRunPlaceholder: 'go build -o /dev/null of the main packages',
  main: 'Main package',
  mainTitle: 'The main package for the debugger, reproducible builds, module-cache builds and the default first run; without one those scenarios are not applicable',
  mainPlaceholderNone: 'none in this workspace: ./cmd/x',
  testArgs: 'Test arguments',
  testArgsTitle: 'Arguments added to go test -count=1 ./... in the test and test-race scenarios, split into words without a shell',
  start: 'Start run',
  startTitle: 'Start run ({{mod}}+Enter)',
  cancel: 'Cancel',
  cancelling: 'Cancelling…',
  plan: {
    none: 'No plan: {{error}}',
    about: 'Plan: about {{time}}',
    /** After the plan's time; the leading space is part of the text. */
    budget: ' (budget {{time}})',
    fixed: ' (samples fixed)',
    samples: 'Samples',
    /** A scenario's samples and the warmups before them, as "10 +1w". */
    samplesWithWarmups: '{{samples}} +{{warmups}}w',
    preparation: 'preparation',
    total: 'total',
    legend: 'Samples at most (+w: warmups first); a result stops sooner once its median is known within 2%. Hover a row for why.',
    /** After the legend; the leading space is part of the text. */
    guessed: ' * a first guess: this machine has not measured it for this workspace yet.',
  },
  live: {
    title: 'Run {{runId}}',
    /** The run's status while its cancellation is under way. */
    cancelling: 'cancelling',
    progress: 'Run progress',
    steps: '{{done}} of {{total}} steps · now {{runtime}} {{scenario}} {{phase}} {{sample}}/{{of}}',
    /** After the steps; the leading ' · ' is part of the text. */
    eta: ' · about {{time}} left',
    preparing: 'Preparing the environments…',
    /** A sample's phase, as the progress shows it. */
    phase: { warmup: 'warmup', measure: 'measure' },
    /** A cell of the progress table during warmup, as "warmup 1/2". */
    warmupSample: 'warmup {{sample}}/{{of}}',
    log: 'Live log',
    noOutput: 'No output yet: EnvBench shows what it does and what the current command prints here.',
    open: 'Open results',
  },
  previews: {
    title: 'Generated environment files ({{n}})',
    wrote: 'Wrote {{path}}',
    exists: 'the workspace has its own',
    offlineOnly: 'offline runs only; EnvBench keeps it at {{path}}',
    write: 'Write to workspace',
  },
};
