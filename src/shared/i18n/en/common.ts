/** Words several views share: statuses, dimensions, the language picker. */
export const common = {
  language: 'Language',
  /** The printed report's page footer; run, page and pages arrive as HTML. */
  reportFooter: 'EnvBench report · run {{run}} · page {{page}} of {{pages}}',
  dimension: { startup: 'Startup', performance: 'Performance', maintenance: 'Maintenance' },
  status: { running: 'running', completed: 'completed', failed: 'failed', cancelled: 'cancelled', interrupted: 'interrupted', 'not-applicable': 'not applicable' },
};
