import { describe, expect, it } from 'vitest';
import { ptraceDenied } from './debug-breakpoint';

describe('ptraceDenied', () => {
  const cases: { output: string; denied: string | null }[] = [
    { output: 'could not launch process: fork/exec /tmp/envbench-debug-1a2b: operation not permitted\n', denied: 'could not launch process: fork/exec /tmp/envbench-debug-1a2b: operation not permitted' },
    { output: 'API server listening at: 127.0.0.1:4000\ncould not attach to pid 12: operation not permitted', denied: 'could not attach to pid 12: operation not permitted' },
    { output: 'could not disable ASLR: operation not permitted', denied: 'could not disable ASLR: operation not permitted' },
    { output: 'could not launch process: not an executable file', denied: null },
    { output: '# example.com/x\n./main.go:3:1: syntax error: non-declaration statement outside function body', denied: null },
    { output: 'open /workspace/__debug_bin: permission denied', denied: null },
  ];
  for (const { output, denied } of cases) {
    it(JSON.stringify(output.slice(0, 50)), () => expect(ptraceDenied(output)).toBe(denied));
  }
});
