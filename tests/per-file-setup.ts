import { afterAll } from 'vitest';
import { removeTempDataDirs } from './support/envbench-cli';

// After each test file (its own afterAll hooks have disposed its cores and closed its terminals):
// its data directories go, and with them any Nix GC root it made, so a later file's cold start
// can really empty the store.
afterAll(removeTempDataDirs);
