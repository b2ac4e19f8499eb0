import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../write-file-atomic';

const MAX_RECENT = 10;

/** The workspaces a user opened in the app, newest first, kept in the data directory. */
export class RecentWorkspaces {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'recent-workspaces.json');
  }

  list(): string[] {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(this.file, 'utf8'));
      return Array.isArray(parsed) ? parsed.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : [];
    } catch {
      // Missing or unreadable: no recent workspaces yet (the file is rewritten on the next open).
      return [];
    }
  }

  remember(workspace: string): void {
    const list = [workspace, ...this.list().filter((p) => p !== workspace)].slice(0, MAX_RECENT);
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileAtomic(this.file, JSON.stringify(list, null, 2) + '\n');
  }
}
