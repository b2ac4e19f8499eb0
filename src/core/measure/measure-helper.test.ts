import { describe, expect, it } from 'vitest';
import { extractHelperReport, withoutHelperReport } from './measure-helper';

const report = '{"wallNs":1500000,"userMs":1,"sysMs":0.5,"maxRssKb":1000,"readBytes":10,"writeBytes":0,"blockReadBytes":0,"blockWriteBytes":0,"ioAvailable":true,"exitCode":0,"signal":0,"timedOut":false,"cancelled":false,"execError":null}';

describe('extractHelperReport', () => {
  it.each([
    ['report only', `\n\x1eENVBENCH-MEASURE ${report}\n`, ''],
    ['command stderr before the report', `warning: x\n\n\x1eENVBENCH-MEASURE ${report}\n`, 'warning: x\n'],
    ['stderr without trailing newline', `partial\n\x1eENVBENCH-MEASURE ${report}\n`, 'partial'],
  ])('%s', (_name, stderr, expectedStderr) => {
    const parsed = extractHelperReport(stderr);
    expect(parsed.report?.wallNs).toBe(1500000);
    expect(parsed.stderr).toBe(expectedStderr);
  });

  it('leaves stderr alone when there is no report', () => {
    expect(extractHelperReport('boom\n')).toEqual({ report: null, stderr: 'boom\n' });
  });

  it('reads the read/write call counts, and accepts an older helper that does not print them', () => {
    const withCalls = report.replace('"ioAvailable"', '"readCalls":12,"writeCalls":3,"ioAvailable"');
    expect(extractHelperReport(`\x1eENVBENCH-MEASURE ${withCalls}\n`).report).toMatchObject({ readCalls: 12, writeCalls: 3 });
    const older = extractHelperReport(`\x1eENVBENCH-MEASURE ${report}\n`).report;
    expect(older?.wallNs).toBe(1500000);
    expect(older?.readCalls).toBeUndefined();
    expect(older?.writeCalls).toBeUndefined();
  });

  it('ignores a malformed report', () => {
    expect(extractHelperReport('\x1eENVBENCH-MEASURE {"wallNs":\n').report).toBeNull();
  });
});

describe('withoutHelperReport', () => {
  it.each([
    ['plain output', 'compiling\n', 'compiling\n'],
    ['report alone', `\n\x1eENVBENCH-MEASURE ${report}\n`, ''],
    ['output then report', `done\n\n\x1eENVBENCH-MEASURE ${report}\n`, 'done\n'],
  ])('%s', (_name, chunk, expected) => {
    expect(withoutHelperReport(chunk)).toBe(expected);
  });
});
