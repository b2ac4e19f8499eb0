import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../write-file-atomic';

/**
 * A small JSON file of probe answers kept between EnvBench processes (doctor's health probes), keyed
 * by what the answer depends on. A file EnvBench cannot read or write only costs the next process a
 * probe, so neither function ever throws.
 */
export function readRememberedProbes<T>(file: string): Record<string, T> {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, T>) : {};
  } catch {
    return {};
  }
}

/** Remembers `value` under `key`, or forgets that key when `value` is null. */
export function rememberProbe<T>(file: string, key: string, value: T | null): void {
  try {
    const stored = readRememberedProbes<T>(file);
    if (value !== null) stored[key] = value;
    else if (key in stored) delete stored[key];
    else return;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, JSON.stringify(stored));
  } catch {
    // Not writable: the next process probes again.
  }
}
