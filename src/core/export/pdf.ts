import type { ReportData } from '../../shared/report';
import { renderReportPdf } from '../report/pdf-report';
import { recordedDefinitions } from '../report/recorded-definitions';
import { UserError } from '../user-error';
import type { Exporter } from './exporter';

/**
 * The PDF report: the report page (src/renderer/report.html, one template for the app and the
 * CLI) printed to A4 by Chromium through playwright-core, or by the app's own printToPDF.
 */
export const pdfExporter: Exporter = {
  format: 'pdf',
  extension: 'pdf',
  mediaType: 'application/pdf',
  description: 'PDF report to hand to your team (A4, black-and-white friendly; with --compare, against an earlier run)',
  render: async (run, context) => {
    const data: ReportData = {
      run,
      ...(context.report?.comparison ? { comparison: context.report.comparison } : {}),
      definitions: context.report?.definitions ?? recordedDefinitions(run),
      envbench: context.envbench,
      generatedAt: new Date().toISOString(),
      ...(context.language ? { language: context.language } : {}),
    };
    if (context.pdf?.print) return context.pdf.print(data);
    if (!context.pdf?.rendererDir) throw new UserError('Cannot print the PDF', 'the report page\'s location was not given', 'Run the PDF export from the envbench CLI or the app');
    return renderReportPdf(data, { rendererDir: context.pdf.rendererDir, chromiumPath: context.pdf.chromiumPath });
  },
};
