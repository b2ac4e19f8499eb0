import { describe, expect, it } from 'vitest';
import type { GoToolchain } from '../host-go';
import { devImageTag, offlineDockerfile, toolchainDockerfile, toolchainImageTag } from './offline-images';

const toolchain: GoToolchain = { goroot: '/usr/local/go', version: 'go1.26.8', tools: [{ name: 'gopls', path: '/root/go/bin/gopls' }] };
const base = 'envbench/debian-base:bookworm';

describe('the offline Go image and the dev image on it', () => {
  it('copies Go once, into the Go image; the generated Dockerfile only builds on it', () => {
    expect(toolchainDockerfile(base, toolchain)).toMatch(/^FROM envbench\/debian-base:bookworm\nCOPY go \/usr\/local\/go\nCOPY bin\/ \/usr\/local\/bin\/$/m);
    const goImage = toolchainImageTag(base, toolchain, 'aaaa1111');
    expect(goImage).toMatch(/^envbench\/go-toolchain-aaaa1111:1\.26\.8-[0-9a-f]{12}$/);
    const dockerfile = offlineDockerfile(goImage, toolchain);
    expect(dockerfile).toContain(`FROM ${goImage}\n`);
    expect(dockerfile).not.toContain('COPY');
  });

  it("names each installation's images for it, with tags two installations share (their twins are found)", () => {
    const tagOf = (instance: string): string => devImageTag(offlineDockerfile(toolchainImageTag(base, toolchain, instance), toolchain), toolchain, instance);
    expect(tagOf('aaaa1111')).toMatch(/^envbench\/go-dev-aaaa1111:/);
    expect(tagOf('bbbb2222')).toMatch(/^envbench\/go-dev-bbbb2222:/);
    expect(tagOf('aaaa1111').split(':')[1]).toBe(tagOf('bbbb2222').split(':')[1]);
    expect(toolchainImageTag(base, toolchain, 'aaaa1111').split(':')[1]).toBe(toolchainImageTag(base, toolchain, 'bbbb2222').split(':')[1]);
    expect(tagOf('aaaa1111').split(':')[1]).not.toBe(devImageTag(offlineDockerfile(toolchainImageTag(base, { ...toolchain, version: 'go1.26.9' }, 'aaaa1111'), toolchain), toolchain, 'aaaa1111').split(':')[1]);
  });
});
