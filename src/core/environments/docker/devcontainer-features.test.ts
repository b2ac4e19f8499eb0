import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResolvedFeature } from './devcontainer-features';
import { featuresDockerfile, installOrder, parseFeatureRequests, parseOciRef, readFeature, refuseOfflineFeatures, safeOptionName, shellAssignment } from './devcontainer-features';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-features-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function workspaceWithFeature(name: string, meta: Record<string, unknown>): { workspace: string; file: string } {
  const workspace = path.join(root, name);
  const dir = path.join(workspace, '.devcontainer', 'hello');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'devcontainer-feature.json'), JSON.stringify(meta));
  fs.writeFileSync(path.join(dir, 'install.sh'), '#!/bin/sh\n');
  return { workspace, file: path.join(workspace, '.devcontainer', 'devcontainer.json') };
}

describe('Dev Container features', () => {
  it('names options as the reference CLI does (getSafeId)', () => {
    expect(safeOptionName('version')).toBe('VERSION');
    expect(safeOptionName('install-tools')).toBe('INSTALL_TOOLS');
    expect(safeOptionName('2fast')).toBe('_FAST');
  });

  it('writes option values that sh reads back exactly, never as code', () => {
    const value = `it's "$HOME" $(touch ${root}/pwned) \`id\``;
    const file = path.join(root, 'options.env');
    fs.writeFileSync(file, `${shellAssignment('GREETING', value)}\n`);
    const read = spawnSync('sh', ['-c', '. "$1" && printf %s "$GREETING"', 'sh', file], { encoding: 'utf8' });
    expect(read.stdout).toBe(value);
    expect(fs.existsSync(path.join(root, 'pwned'))).toBe(false);
  });

  it('reads local and OCI features with their options; refuses what it cannot install, naming it', () => {
    const { workspace, file } = workspaceWithFeature('ws', { id: 'hello' });
    const requests = parseFeatureRequests(file, { './hello': { greeting: 'hi', loud: true }, 'ghcr.io/devcontainers/features/go:1': '1.22' }, workspace);
    expect(requests).toEqual([
      { key: './hello', options: { greeting: 'hi', loud: true }, localDir: fs.realpathSync(path.join(workspace, '.devcontainer', 'hello')) },
      { key: 'ghcr.io/devcontainers/features/go:1', options: { version: '1.22' }, localDir: null },
    ]);
    expect(() => parseFeatureRequests(file, { '../../elsewhere': {} }, workspace)).toThrow(/local feature \.\.\/\.\.\/elsewhere is not a folder|lies outside the workspace/);
    fs.mkdirSync(path.join(root, 'outside'), { recursive: true });
    expect(() => parseFeatureRequests(file, { '../../outside': {} }, workspace)).toThrow(/its local feature \.\.\/\.\.\/outside lies outside the workspace/);
    expect(() => parseFeatureRequests(file, { 'go; rm -rf /': {} }, workspace)).toThrow(/neither a local folder .* nor an OCI reference/);
    expect(() => parseFeatureRequests(file, { './hello': { n: 1 } }, workspace)).toThrow(/gives option "n" a value that is neither a string nor a boolean/);
    expect(() => refuseOfflineFeatures(file, requests)).toThrow(/feature ghcr\.io\/devcontainers\/features\/go:1, which comes from an OCI registry/);
    expect(() => refuseOfflineFeatures(file, requests.slice(0, 1))).not.toThrow();
  });

  it("resolves options against devcontainer-feature.json's defaults and names the keys it does not apply", () => {
    const { workspace } = workspaceWithFeature('defaults', { id: 'hello', options: { greeting: { type: 'string', default: 'hi' }, loud: { type: 'boolean', default: false }, other: { type: 'string' } }, containerEnv: { HELLO_HOME: '/opt/hello' }, privileged: true, postCreateCommand: 'x' });
    const feature = readFeature('./hello', path.join(workspace, '.devcontainer', 'hello'), { loud: true });
    expect(feature.env).toEqual({ GREETING: 'hi', LOUD: 'true' });
    expect(feature.containerEnv).toEqual({ HELLO_HOME: '/opt/hello' });
    expect(feature.notApplied).toEqual(['feature hello privileged: EnvBench runs containers unprivileged', 'feature hello postCreateCommand: lifecycle commands are not run']);
    const deps = workspaceWithFeature('deps', { id: 'hello', dependsOn: { 'ghcr.io/x/y:1': {} } });
    expect(() => readFeature('./hello', path.join(deps.workspace, '.devcontainer', 'hello'), {})).toThrow(/depends on other features \(dependsOn: ghcr\.io\/x\/y:1\)/);
  });

  it('installs each feature after those its installsAfter names, otherwise in the file order', () => {
    const feature = (key: string, id: string, installsAfter: string[] = []): ResolvedFeature => ({ key, id, dir: '/', env: {}, containerEnv: {}, installsAfter, notApplied: [] });
    const order = installOrder([feature('ghcr.io/a/go:1', 'go', ['ghcr.io/a/common']), feature('./local', 'local'), feature('ghcr.io/a/common:2', 'common')]);
    expect(order.map((f) => f.id)).toEqual(['local', 'common', 'go']);
  });

  it('splits OCI references; only a registry named localhost is spoken to over http', () => {
    expect(parseOciRef('ghcr.io/devcontainers/features/go:1')).toEqual({ registry: 'ghcr.io', repository: 'devcontainers/features/go', reference: '1', base: 'https://ghcr.io/v2/devcontainers/features/go' });
    expect(parseOciRef('localhost:5000/f/hello')).toMatchObject({ reference: 'latest', base: 'http://localhost:5000/v2/f/hello' });
    expect(parseOciRef(`example.com:443/f/hello@sha256:${'a'.repeat(64)}`)).toMatchObject({ repository: 'f/hello', reference: `sha256:${'a'.repeat(64)}`, base: 'https://example.com:443/v2/f/hello' });
  });

  it('generates a Dockerfile of fixed text: env from the feature, the image user restored', () => {
    const text = featuresDockerfile('envbench/ws:base', [{ key: './hello', id: 'hello', dir: '/', env: { GREETING: 'x' }, containerEnv: { HELLO_HOME: '/opt/a b' }, installsAfter: [], notApplied: [] }], 'gopher');
    expect(text.split('\n')[0]).toBe('FROM envbench/ws:base');
    expect(text).toContain('ENV HELLO_HOME="/opt/a b"\nRUN ["/bin/sh", "-c", "cd /tmp/dev-container-features/0 && sh ./devcontainer-features-install.sh"]');
    expect(text.trim().split('\n').at(-1)).toBe('USER gopher');
    expect(text).not.toContain('GREETING');
  });
});
