import type { CommandSpec } from '../environments/runtime';

/**
 * Shared by both scripts below: `modcache_hash GOMODCACHE` names a module cache as gopls's index
 * link does; `indexed DIR HASH` says whether DIR (an XDG_CACHE_HOME/goimports) holds that link,
 * which gopls writes only once the index is complete.
 */
const INDEXED = `
modcache_hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
indexed() { ls -- "$1" 2>/dev/null | grep -q -- "^index-name-[0-9]*-$2\\$"; }
`;

/**
 * gopls keeps an index of the module cache for goimports under `$XDG_CACHE_HOME/goimports`
 * (golang.org/x/tools/internal/modindex): a payload file and a link file
 * `index-name-<version>-<sha256 of GOMODCACHE>` naming it. Every gopls session starts updating
 * it in the background; without one it scans the whole module cache while it loads the
 * workspace, and writes the index only if it finishes before gopls exits. Whether `gopls stats`
 * found an index therefore decided gopls-load by about 3× (issue 13), and whether the previous
 * sample had written one was a race.
 *
 * An editor's gopls runs long enough to finish it, so every environment gets a complete index
 * before gopls-load's first sample: this constant script keeps a `gopls serve` session open on
 * the working directory until the link file exists (or the limit, $1 seconds, passes). Nothing
 * it reads is parsed by a shell: the directory reaches gopls percent-encoded in its
 * `initialize` request.
 *
 * Exit 0 once the index exists ("built" or "present" on stdout), 3 when gopls ended or the
 * limit passed without one, other codes when `go env` or gopls could not run.
 */
const SCRIPT = `${INDEXED}
set -u
limit=$1
gomodcache=$(go env GOMODCACHE) || exit 1
[ -n "$gomodcache" ] || { echo "go env GOMODCACHE is empty" >&2; exit 1; }
dir=\${XDG_CACHE_HOME:-\${HOME:-/nonexistent}/.cache}/goimports
hash=$(modcache_hash "$gomodcache")
if indexed "$dir" "$hash"; then echo present; exit 0; fi
command -v gopls >/dev/null || { echo "gopls is not on PATH" >&2; exit 127; }
LC_ALL=C
uri=file://
for ((i = 0; i < \${#PWD}; i++)); do
  c=\${PWD:i:1}
  case $c in [A-Za-z0-9/._~-]) uri+=$c ;; *) printf -v c '%%%02X' "'$c"; uri+=$c ;; esac
done
lsp() { printf 'Content-Length: %d\\r\\n\\r\\n%s' "\${#1}" "$1" >&"$to"; }
trap '' PIPE
coproc GOPLS { exec gopls serve >/dev/null; }
to=\${GOPLS[1]}
lsp '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":"'"$uri"'","capabilities":{}}}'
lsp '{"jsonrpc":"2.0","method":"initialized","params":{}}'
until indexed "$dir" "$hash" || ! kill -0 "$GOPLS_PID" 2>/dev/null || [ "$SECONDS" -ge "$limit" ]; do sleep 0.1; done
lsp '{"jsonrpc":"2.0","id":2,"method":"shutdown"}'
lsp '{"jsonrpc":"2.0","method":"exit"}'
exec {to}>&-
wait "$GOPLS_PID" 2>/dev/null
if indexed "$dir" "$hash"; then echo built; exit 0; fi
echo "gopls wrote no goimports index for $gomodcache in $dir within $limit s" >&2
exit 3
`;

/** The command that builds the index in the working directory `cwd` within `limitSeconds`. */
export function buildGoimportsIndexCommand(cwd: string, limitSeconds: number): CommandSpec {
  return { argv: ['bash', '-c', SCRIPT, 'envbench-goimports-index', String(Math.max(1, Math.floor(limitSeconds)))], cwd };
}

/**
 * Prints `goimports=built` when the index of the environment's module cache exists, else
 * `goimports=none`: a fragment of environment-inputs.ts's script, which sets `gomodcache` and
 * `tools` (its XDG_CACHE_HOME) first.
 */
export const GOIMPORTS_INDEX_STATE = `${INDEXED}
if [ -n "$gomodcache" ] && indexed "$tools/goimports" "$(modcache_hash "$gomodcache")"; then echo goimports=built; else echo goimports=none; fi
`;
