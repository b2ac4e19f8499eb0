import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Docker from 'dockerode';
import tarFs from 'tar-fs';
import tarStream from 'tar-stream';
import { probe } from '../../machine/tool-version';
import { describeError, UserError } from '../../user-error';
import type { GoToolchain } from '../host-go';
import { followProgress, isNotFound } from './engine-stream';
import type { ObjectKind } from './labels';
import { LABEL_INSTANCE, LABEL_KIND, LABEL_MANAGED, managedLabels } from './labels';

export const BASE_IMAGE = 'envbench/debian-base:bookworm';
/** Packages a Go workspace needs beyond the toolchain: cgo and -race need gcc and libc headers. */
const BASE_PACKAGES = ['ca-certificates', 'git', 'gcc', 'libc6-dev'];

export interface ImageLog {
  (line: string): void;
}

export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function debianMirror(): string {
  return process.env.ENVBENCH_DEBIAN_MIRROR || 'http://deb.debian.org/debian';
}

function run(program: string, args: string[], log: ImageLog): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const collect = (chunk: Buffer): void => {
      tail = (tail + chunk.toString()).slice(-4000);
      for (const line of chunk.toString().split('\n')) if (line.trim()) log(line.trim());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${program} exited with ${code}: ${tail.trim().split('\n').slice(-3).join(' | ')}`))));
  });
}

/**
 * The offline stand-in for pulling a base image: a Debian root filesystem made with debootstrap
 * (from Debian's mirror, not a container registry) and imported with a label. Built once and
 * kept; `envbench clean` removes it.
 */
export async function ensureBaseImage(docker: Docker, log: ImageLog): Promise<{ ref: string; built: boolean }> {
  if (await imageExists(docker, BASE_IMAGE)) return { ref: BASE_IMAGE, built: false };
  const debootstrap = await probe('debootstrap', ['--version']);
  if (!debootstrap.ok) {
    throw new UserError(
      'Cannot build an offline base image',
      'no registry is used offline and debootstrap is not installed',
      'Install it (`apt-get install debootstrap`), or pull a Go image while online',
    );
  }
  if (process.getuid?.() !== 0) {
    throw new UserError('Cannot build an offline base image', 'debootstrap needs root', 'Run `sudo envbench run --offline ...` once to build it, or pull a Go image while online');
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'envbench-rootfs-'));
  try {
    log(`building ${BASE_IMAGE} with debootstrap from ${debianMirror()} (once; about a minute)`);
    await run('debootstrap', ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, 'bookworm', root, debianMirror()], log);
    // The downloaded packages (about 100 MB) are not part of the system: every image built on it,
    // and every load of one into DinD's inner engine, would carry them.
    const archives = path.join(root, 'var/cache/apt/archives');
    for (const name of fs.readdirSync(archives)) if (name.endsWith('.deb')) fs.rmSync(path.join(archives, name));
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const stream = await docker.importImage(tar.stdout, {
      repo: 'envbench/debian-base',
      tag: 'bookworm',
      changes: [`LABEL ${LABEL_MANAGED}=true envbench.kind=base-image`, 'CMD ["/bin/bash"]'],
    } as object);
    await followProgress(docker, stream, log);
    return { ref: BASE_IMAGE, built: true };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The offline stand-in for pulling a Go image (`golang:1.26`): this machine's Go toolchain, with
 * gopls and dlv when installed, on the offline base. Built once and kept, as a pulled image is: a
 * cold start rebuilds the definition on top of it (offlineDockerfile), never copies Go again, as
 * nix keeps the toolchain's store path and native its Go.
 */
export function toolchainDockerfile(base: string, toolchain: GoToolchain): string {
  return [
    `# EnvBench's offline Go image: ${toolchain.version} copied from this machine (no registry is contacted).`,
    `FROM ${base}`,
    'COPY go /usr/local/go',
    ...(toolchain.tools.length > 0 ? ['COPY bin/ /usr/local/bin/'] : []),
    '',
  ].join('\n');
}

/** The offline Go image's tag: one repository per EnvBench installation (instanceKey()), named for its whole definition. */
export function toolchainImageTag(base: string, toolchain: GoToolchain, instance: string): string {
  return `envbench/go-toolchain-${instance}:${toolchain.version.replace(/^go/, '')}-${definitionHash(toolchainDockerfile(base, toolchain), toolchain)}`;
}

/** The Dockerfile EnvBench generates for a workspace, on the offline Go image; shown to the user and kept with the run. */
export function offlineDockerfile(toolchainImage: string, toolchain: GoToolchain): string {
  return [
    '# Generated by EnvBench for offline use: no registry is contacted.',
    `# Base: ${toolchainImage} (${toolchain.version} copied from this machine onto Debian bookworm via debootstrap).`,
    `FROM ${toolchainImage}`,
    'ENV PATH=/usr/local/go/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\',
    '    GOTOOLCHAIN=local \\',
    '    GOCACHE=/root/.cache/go-build \\',
    '    GOMODCACHE=/go/pkg/mod \\',
    // The workspace is bind-mounted and owned by the host user: let git (VCS stamping) read it.
    '    GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0=*',
    'WORKDIR /workspace',
    '',
  ].join('\n');
}

function definitionHash(dockerfile: string, toolchain: GoToolchain): string {
  return crypto.createHash('sha256').update(dockerfile).update(toolchain.goroot).update(toolchain.tools.map((t) => t.path).join()).digest('hex').slice(0, 12);
}

/**
 * The generated dev image's tag: one repository per EnvBench installation (instanceKey()), never
 * shared with another. Its tag names the definition without the installation (the Go image's
 * repository is the installation's own), so another installation's image of the same definition
 * is found as its twin (adoptTwinImage).
 */
export function devImageTag(dockerfile: string, toolchain: GoToolchain, instance: string): string {
  const definition = dockerfile.split(`envbench/go-toolchain-${instance}:`).join('envbench/go-toolchain:');
  return `envbench/go-dev-${instance}:${toolchain.version.replace(/^go/, '')}-${definitionHash(definition, toolchain)}`;
}

/** How EnvBench builds an image of its own: labelled with its installation; cold builds use no cached layer. */
export interface OwnBuild {
  instance: string;
  /** A cold start's build: every step runs again, without touching the daemon's build cache. */
  noCache?: boolean;
}

/**
 * A generated image's twin built by another EnvBench installation on this engine: the same tag
 * (which names its whole definition, e.g. `1.26.8-<hash>`) in that installation's repository
 * (`envbench/go-dev-<its instance>`). This installation takes it over with a build that only
 * labels it, FROM it and sharing every layer, instead of sending and copying the toolchain again
 * (seconds instead of a minute, and no second copy on disk). The twin's owner can still remove or
 * rebuild its own tag: this image keeps the layers it needs. Returns false when there is no twin,
 * or taking it over failed (the caller builds instead). Never for a cold start, which builds
 * every step again.
 */
export async function adoptTwinImage(docker: Docker, ref: string, kind: ObjectKind, instance: string, log: ImageLog): Promise<boolean> {
  const match = /^(.+-)([0-9a-f]+):([^:/]+)$/.exec(ref);
  if (!match || match[2] !== instance) return false;
  const [, repositoryPrefix, , tag] = match;
  const candidates = await docker.listImages({ filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_KIND}=${kind}`], reference: [`${repositoryPrefix}*:${tag}`] } });
  const twin = candidates.flatMap((image) => image.RepoTags ?? []).find((t) => t !== ref && t.startsWith(repositoryPrefix!) && t.endsWith(`:${tag}`));
  if (!twin) return false;
  const pack = tarStream.pack();
  pack.entry({ name: 'Dockerfile' }, `FROM ${twin}\n`);
  pack.finalize();
  try {
    const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, { t: ref, labels: managedLabels(kind, { [LABEL_INSTANCE]: instance }), forcerm: true, networkmode: 'none' });
    await followProgress(docker, stream);
  } catch (error) {
    log(`${ref}: could not take over ${twin}, built from the same definition by another EnvBench installation (${describeError(error)}); building it instead`);
    return false;
  }
  log(`${ref}: the same definition as ${twin}, which another EnvBench installation built; labelled for this one, sharing its layers`);
  return true;
}

/**
 * The offline Go image (toolchainDockerfile), built once: GOROOT and the tools streamed into the
 * build context. Kept when it is there, whatever the temperature; another installation's twin is
 * taken over instead of copying Go again (adoptTwinImage).
 */
export async function ensureToolchainImage(docker: Docker, base: string, toolchain: GoToolchain, instance: string, log: ImageLog): Promise<string> {
  const tag = toolchainImageTag(base, toolchain, instance);
  if (await imageExists(docker, tag)) return tag;
  if (await adoptTwinImage(docker, tag, 'toolchain-image', instance, log)) return tag;
  log(`building ${tag}: ${toolchain.version} from this machine (once, kept by cold starts as a pulled Go image would be)`);
  const pack = tarStream.pack();
  pack.entry({ name: 'Dockerfile' }, toolchainDockerfile(base, toolchain));
  for (const tool of toolchain.tools) pack.entry({ name: `bin/${tool.name}`, mode: 0o755 }, fs.readFileSync(tool.path));
  tarFs.pack(toolchain.goroot, {
    pack,
    dereference: true,
    map: (header) => ({ ...header, name: `go/${header.name}` }),
  });
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, {
    t: tag,
    labels: managedLabels('toolchain-image', { [LABEL_INSTANCE]: instance }),
    forcerm: true,
    // COPY only: nothing in this build needs a network.
    networkmode: 'none',
  });
  await followProgress(docker, stream, log);
  return tag;
}

/**
 * Builds the dev image from the generated Dockerfile on the offline Go image (or takes over a
 * twin: adoptTwinImage). Its context is the Dockerfile alone; a cold start's build (`noCache`)
 * runs its own steps again, on the Go image it keeps.
 */
export async function buildOfflineDevImage(docker: Docker, tag: string, dockerfile: string, build: OwnBuild, log: ImageLog): Promise<void> {
  if (!build.noCache && (await adoptTwinImage(docker, tag, 'dev-image', build.instance, log))) return;
  const pack = tarStream.pack();
  pack.entry({ name: 'Dockerfile' }, dockerfile);
  pack.finalize();
  const stream = await docker.buildImage(pack as unknown as NodeJS.ReadableStream, {
    t: tag,
    labels: managedLabels('dev-image', { [LABEL_INSTANCE]: build.instance }),
    forcerm: true,
    nocache: Boolean(build.noCache),
    networkmode: 'none',
  });
  await followProgress(docker, stream, log);
}
