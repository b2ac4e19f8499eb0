import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { HostEntry } from '../../shared/hosts';
import { UserError } from '../user-error';
import { writeFileAtomic } from '../write-file-atomic';
import { checkHostName, formatSshUrl, parseSshUrl } from './ssh-url';

const hostEntrySchema = z.object({
  name: z.string(),
  url: z.string(),
  user: z.string().nullable(),
  hostname: z.string(),
  port: z.number().int().nullable(),
  identityFile: z.string().nullable(),
  knownHostsFile: z.string().nullable(),
  addedAt: z.string(),
});
const hostsFileSchema = z.object({ hosts: z.array(hostEntrySchema) });

export interface AddHostInput {
  name: string;
  url: string;
  identityFile?: string;
  knownHostsFile?: string;
}

/** The file `envbench hosts` keeps its machines in: beside the history, in the data directory. */
export function hostsFile(dataDir: string): string {
  return path.join(dataDir, 'hosts.json');
}

/** A file option's path, made absolute and checked to be a readable regular file. */
function existingFile(file: string, what: string): string {
  const absolute = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absolute);
  } catch {
    throw new UserError(`No ${what} at ${absolute}`, 'the file does not exist', `Give the path of an existing ${what}`);
  }
  if (!stat.isFile()) throw new UserError(`Not a ${what}: ${absolute}`, 'it is not a regular file', `Give the path of the ${what} itself`);
  return absolute;
}

/**
 * The machines added with `envbench hosts add`, in `hosts.json`. Read afresh on every call (the
 * app and the CLI share it) and written whole, atomically: a crash leaves the old file or the new.
 */
export class HostRegistry {
  constructor(private readonly dataDir: string) {}

  list(): HostEntry[] {
    const file = hostsFile(this.dataDir);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      return hostsFileSchema.parse(JSON.parse(text)).hosts;
    } catch (error) {
      throw new UserError(`Cannot read ${file}`, `it is not the hosts file EnvBench writes (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, 'Fix it by hand or move it away; `envbench hosts add` writes a new one');
    }
  }

  /** The host named `name`; an unknown name is the user's mistake, told with the names there are. */
  get(name: string): HostEntry {
    const hosts = this.list();
    const host = hosts.find((h) => h.name === name);
    if (!host) {
      throw new UserError(
        `Unknown host "${name}"`,
        hosts.length === 0 ? 'no host has been added' : `the hosts are ${hosts.map((h) => h.name).join(', ')}`,
        'Add it with `envbench hosts add NAME ssh://user@host[:port]`; `envbench hosts list` shows them',
      );
    }
    return host;
  }

  /** The entry `add` would save, checked (name, URL, files, not taken), without saving it. */
  preview(input: AddHostInput, now = new Date()): HostEntry {
    const name = checkHostName(input.name);
    const target = parseSshUrl(input.url);
    const hosts = this.list();
    if (hosts.some((h) => h.name === name)) {
      throw new UserError(`A host named "${name}" exists`, `it is ${hosts.find((h) => h.name === name)!.url}`, `Choose another name, or remove it first with \`envbench hosts remove ${name}\``);
    }
    const entry: HostEntry = {
      name,
      url: formatSshUrl(target),
      ...target,
      identityFile: input.identityFile ? existingFile(input.identityFile, 'private key file') : null,
      knownHostsFile: input.knownHostsFile ? existingFile(input.knownHostsFile, 'known_hosts file') : null,
      addedAt: now.toISOString(),
    };
    return entry;
  }

  /** Saves an entry preview() made (checked again: another process may have added the name since). */
  save(entry: HostEntry): void {
    const hosts = this.list();
    if (hosts.some((h) => h.name === entry.name)) this.preview({ name: entry.name, url: entry.url });
    this.write([...hosts, entry]);
  }

  add(input: AddHostInput, now = new Date()): HostEntry {
    const entry = this.preview(input, now);
    this.save(entry);
    return entry;
  }

  remove(name: string): HostEntry {
    const host = this.get(name);
    this.write(this.list().filter((h) => h.name !== name));
    return host;
  }

  private write(hosts: HostEntry[]): void {
    fs.mkdirSync(this.dataDir, { recursive: true });
    writeFileAtomic(hostsFile(this.dataDir), `${JSON.stringify({ hosts }, null, 2)}\n`);
  }
}
