/**
 * The Dockerfile of the Go development image when the Engine can pull the official `golang`
 * image: go.mod's Go version, the toolchain pinned (GOTOOLCHAIN=local), caches where EnvBench
 * mounts them. Also what the app offers to write into a workspace as Dockerfile.dev.
 */
export function pulledGoDockerfile(goVersion: string | null): { ref: string; dockerfile: string } {
  const ref = `golang:${goVersion ?? 'latest'}`;
  return { ref, dockerfile: [`FROM ${ref}`, 'ENV GOTOOLCHAIN=local GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build', 'WORKDIR /workspace', ''].join('\n') };
}
