import { describe, expect, it } from 'vitest';
import { mergeEnv, readDevcontainerSpec, resolveContainerEnv, substitute } from './devcontainer-spec';

const file = '/home/me/my app/.devcontainer/devcontainer.json';
const workspace = '/home/me/my app';
const read = (json: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => readDevcontainerSpec(file, json, workspace, env);

describe('readDevcontainerSpec', () => {
  it("applies the spec's defaults: the workspace at /workspaces/<folder>, no env, the image's user", () => {
    const spec = read({ image: 'golang:1.22' });
    expect(spec.settings).toEqual({ workspaceTarget: '/workspaces/my app', workspaceFolder: '/workspaces/my app', containerEnv: {}, remoteEnv: {}, containerUser: null, remoteUser: null });
    expect(spec).toMatchObject({ buildArgs: {}, target: null, applied: [], notApplied: [] });
  });

  it('reads build args and target, env and users, with the variables the reference implementation substitutes', () => {
    const spec = read(
      {
        build: { dockerfile: 'Dockerfile', args: { GREETING: '${localEnv:GREETING}', MISSING: '${localEnv:NOPE:fallback}', FOLDER: '${localWorkspaceFolderBasename}' }, target: 'dev' },
        containerEnv: { WS: '${containerWorkspaceFolder}', NAME: '${containerWorkspaceFolderBasename}' },
        remoteEnv: { PATH: '${containerEnv:PATH}:/extra', GONE: null },
        containerUser: 'root',
        remoteUser: 'gopher',
      },
      { GREETING: 'hello' },
    );
    expect(spec.buildArgs).toEqual({ GREETING: 'hello', MISSING: 'fallback', FOLDER: 'my app' });
    expect(spec.target).toBe('dev');
    expect(spec.settings.containerEnv).toEqual({ WS: '/workspaces/my app', NAME: 'my app' });
    expect(spec.settings.remoteEnv).toEqual({ PATH: '${containerEnv:PATH}:/extra' });
    expect(spec.settings).toMatchObject({ containerUser: 'root', remoteUser: 'gopher' });
    expect(spec.applied).toEqual(['build.args (GREETING, MISSING, FOLDER)', 'build.target (dev)', 'containerEnv (WS, NAME)', 'remoteEnv (PATH)', 'containerUser (root)', 'remoteUser (gopher)']);
  });

  it('mounts the workspace where workspaceMount says, and opens terminals in workspaceFolder', () => {
    const spec = read({ image: 'x', workspaceMount: 'source=${localWorkspaceFolder},target=/src,type=bind,consistency=cached', workspaceFolder: '/src/app' });
    expect(spec.settings).toMatchObject({ workspaceTarget: '/src', workspaceFolder: '/src/app' });
    // workspaceFolder alone leaves the mount where it was, as `devcontainer read-configuration` shows.
    expect(read({ image: 'x', workspaceFolder: '/elsewhere' }).settings).toMatchObject({ workspaceTarget: '/workspaces/my app', workspaceFolder: '/elsewhere' });
  });

  it('names every key it does not apply, with why', () => {
    const spec = read({ image: 'x', mounts: ['source=/,target=/host,type=bind'], runArgs: ['--privileged'], forwardPorts: [8080], customizations: { vscode: {} } });
    expect(spec.notApplied).toEqual([
      'mounts: host mounts from a workspace file are not made',
      'runArgs: docker run flags from a workspace file are not passed',
      'forwardPorts: no ports are forwarded',
      'customizations: editor settings and extensions are not installed',
    ]);
  });

  it.each([
    ['a feature as a tarball URL', { image: 'x', features: { 'https://example.com/go.tgz': {} } }, /its feature https:\/\/example\.com\/go\.tgz is a tarball URL, which EnvBench does not download/],
    ['a user that is an option', { image: 'x', remoteUser: '--privileged' }, /its remoteUser "--privileged" is not a user name or uid/],
    ['a user with a path', { image: 'x', containerUser: '../root' }, /its containerUser "\.\.\/root" is not a user name/],
    ['an env name that is not one', { image: 'x', containerEnv: { 'A B': '1' } }, /its containerEnv names "A B", which is not a variable name/],
    ['an env value that is not a string', { image: 'x', remoteEnv: { A: 1 } }, /its remoteEnv\.A is not a string/],
    ['a workspaceMount of another folder', { image: 'x', workspaceMount: 'source=/etc,target=/src,type=bind' }, /workspaceMount is not a bind mount of the workspace folder itself/],
    ['a volume as the workspace', { image: 'x', workspaceMount: 'source=${localWorkspaceFolder},target=/src,type=volume' }, /workspaceMount is not a bind mount/],
    ['a relative workspaceFolder', { image: 'x', workspaceFolder: 'src' }, /workspaceFolder is not an absolute path/],
    ['an empty build.target', { build: { dockerfile: 'D', target: ' ' } }, /build\.target is not a stage name/],
  ])('refuses %s, saying what to do', (_name, json, message) => {
    expect(() => read(json)).toThrow(message);
  });
});

describe('the variables', () => {
  it('leaves what it cannot know, and containerEnv for the container', () => {
    expect(substitute('${devcontainerId}/${containerEnv:HOME}', { workspace, env: {} }, '/w')).toBe('${devcontainerId}/${containerEnv:HOME}');
    expect(resolveContainerEnv({ P: '${containerEnv:PATH}:/x', D: '${containerEnv:NONE:dflt}', E: '${containerEnv:NONE}' }, ['PATH=/bin:/usr/bin', 'A=b=c'])).toEqual({ P: '/bin:/usr/bin:/x', D: 'dflt', E: '' });
  });

  it('merges env sources once per name, the later winning', () => {
    expect(mergeEnv(['A=1', 'B=2'], { A: '3' }, ['C=x=y'])).toEqual(['B=2', 'A=3', 'C=x=y']);
  });
});
