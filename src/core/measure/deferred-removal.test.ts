import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirsOfThisFile } from '../../../tests/support/temp-dirs';
import { DeferredRemovals, emptyFolder } from './deferred-removal';

const tempDir = tempDirsOfThisFile('envbench-removals-');

function writeTree(root: string): void {
  fs.mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
  fs.writeFileSync(path.join(root, 'a', 'one'), '1');
  fs.writeFileSync(path.join(root, 'a', 'b', 'two'), '2');
  fs.symlinkSync('one', path.join(root, 'a', 'link'));
}

describe('DeferredRemovals: what a run deletes between samples is freed after its last one', () => {
  it('empties a folder by moving it aside: the same inodes live until drain()', async () => {
    const dir = tempDir();
    const cache = path.join(dir, 'cache', 'gocache');
    writeTree(cache);
    const inode = fs.statSync(path.join(cache, 'a', 'one')).ino;
    const removals = new DeferredRemovals(path.join(dir, 'trash'), 'run-1');
    await removals.empty(cache);
    expect(fs.readdirSync(cache)).toEqual([]);
    const parked = fs.readdirSync(path.join(dir, 'trash', 'run-1')).map((slot) => path.join(dir, 'trash', 'run-1', slot, 'a', 'one'));
    expect(parked.map((file) => fs.statSync(file).ino)).toEqual([inode]);
    await removals.drain();
    expect(fs.existsSync(path.join(dir, 'trash'))).toBe(false);
    expect(fs.readdirSync(cache)).toEqual([]);
  });

  it('keeps the files of a tree another program deletes alive through hard links, folders and symlinks included', async () => {
    const dir = tempDir();
    const storePath = path.join(dir, 'store', 'abc-source');
    writeTree(storePath);
    const single = path.join(dir, 'store', 'abc.drv');
    fs.writeFileSync(single, 'derivation');
    const removals = new DeferredRemovals(path.join(dir, 'trash'), 'run-2');
    removals.keepFilesOf([storePath, single, path.join(dir, 'store', 'not-there')]);
    expect(fs.statSync(path.join(storePath, 'a', 'b', 'two')).nlink).toBe(2);
    expect(fs.statSync(single).nlink).toBe(2);
    fs.rmSync(path.join(dir, 'store'), { recursive: true });
    const slots = path.join(dir, 'trash', 'run-2');
    expect(fs.readFileSync(path.join(slots, '0', 'a', 'b', 'two'), 'utf8')).toBe('2');
    expect(fs.readlinkSync(path.join(slots, '0', 'a', 'link'))).toBe('one');
    expect(fs.readFileSync(path.join(slots, '1'), 'utf8')).toBe('derivation');
    await removals.drain();
    expect(fs.existsSync(path.join(dir, 'trash'))).toBe(false);
  });

  it('drain() runs deferred work in order, again once for work that waited on later work, and removes what a killed run left', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'trash', 'killed-run', '0'), { recursive: true });
    const removals = new DeferredRemovals(path.join(dir, 'trash'), 'run-3');
    const done: string[] = [];
    let containerGone = false;
    removals.defer(async () => {
      if (!containerGone) throw new Error('image in use by a stopped container');
      done.push('image');
    });
    removals.defer(async () => {
      containerGone = true;
      done.push('container');
    });
    removals.defer(() => Promise.reject(new Error('never succeeds')));
    await removals.drain();
    expect(done).toEqual(['container', 'image']);
    expect(fs.existsSync(path.join(dir, 'trash'))).toBe(false);
  });

  it('emptyFolder without a run removes at once', async () => {
    const dir = tempDir();
    writeTree(path.join(dir, 'cache'));
    await emptyFolder(path.join(dir, 'cache'), undefined);
    expect(fs.readdirSync(dir)).toEqual(['cache']);
    expect(fs.readdirSync(path.join(dir, 'cache'))).toEqual([]);
  });
});
