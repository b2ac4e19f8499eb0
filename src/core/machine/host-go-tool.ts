import fs from 'node:fs';
import path from 'node:path';
import { probe } from './tool-version';

/** A Go tool (gopls, dlv) on PATH or in GOPATH's bin, where `go install` puts it; null when absent. */
export function goToolIn(name: string, gopath: string): string | null {
  const candidates = [...(process.env.PATH ?? '').split(path.delimiter), path.join(gopath.split(path.delimiter)[0] ?? '', 'bin')];
  return candidates.map((dir) => path.join(dir, name)).find((p) => fs.existsSync(p)) ?? null;
}

/** The host's own copy of a Go tool, or null when it is not installed. */
export async function hostGoTool(name: string): Promise<string | null> {
  const gopath = await probe('go', ['env', 'GOPATH']);
  return goToolIn(name, gopath.ok ? gopath.stdout.trim() : '');
}
