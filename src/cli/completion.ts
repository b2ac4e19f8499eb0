import type { Command, Option } from 'commander';
import { UserError } from '../core/user-error';

/** The shells `envbench completion SHELL` writes a script for. */
export const COMPLETION_SHELLS = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

/** A command as completion sees it: its words (`import hyperfine`), options and their fixed values. */
interface CommandWords {
  path: string[];
  description: string;
  options: { flags: string[]; description: string; choices: readonly string[] | null; takesValue: boolean }[];
  subcommands: string[];
}

function walk(command: Command, prefix: string[] = []): CommandWords[] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    const options = (sub.options as readonly Option[]).map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => Boolean(f)),
      description: o.description,
      choices: o.argChoices ?? null,
      takesValue: o.required || o.optional,
    }));
    return [{ path, description: sub.description(), options: [...options, { flags: ['--help'], description: 'show help', choices: null, takesValue: false }], subcommands: sub.commands.map((c) => c.name()) }, ...walk(sub, path)];
  });
}

/** Single-quoted for a POSIX shell and fish: nothing inside is expanded. */
function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function bash(commands: CommandWords[], top: string[]): string {
  const cases = commands.map((c) => {
    const words = [...c.subcommands, ...c.options.flatMap((o) => o.flags)].join(' ');
    const values = c.options
      .filter((o) => o.choices)
      .map((o) => `        ${o.flags.join('|')}) COMPREPLY=($(compgen -W ${quoted(o.choices!.join(' '))} -- "$cur")); return ;;`)
      .join('\n');
    return `    ${quoted(c.path.join(' '))})\n      case "$prev" in\n${values}\n      esac\n      words=${quoted(words)} ;;`;
  });
  return `# envbench completion for bash: eval "$(envbench completion bash)" in ~/.bashrc
_envbench() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" words="" i
  # The command's words so far (\`import hyperfine\`): every word before the cursor that is not an option or its value.
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in -*) ;; *) [[ " ${[...new Set(commands.flatMap((c) => c.path))].join(' ')} " == *" \${COMP_WORDS[i]} "* ]] && path="\${path:+$path }\${COMP_WORDS[i]}" ;; esac
  done
  case "$path" in
    '')
      words=${quoted(top.join(' '))} ;;
${cases.join('\n')}
  esac
  if [[ "$cur" == -* || -z "$path" ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$words" -- "$cur") $(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _envbench envbench
`;
}

function zsh(commands: CommandWords[], top: CommandWords[]): string {
  const describe = (text: string): string => text.replace(/[[\]:'\\]/g, ' ').replace(/\s+/g, ' ').slice(0, 80);
  const functions = commands.map((c) => {
    const specs = c.options.map((o) => {
      const names = o.flags.length > 1 ? `(${o.flags.join(' ')})'{${o.flags.join(',')}}'` : o.flags[0]!;
      const value = o.takesValue ? `:value:${o.choices ? `(${o.choices.join(' ')})` : '_files'}` : '';
      return `    '${names}[${describe(o.description)}]${value}'`;
    });
    const subs = c.subcommands.length > 0 ? [`    '1:command:(${c.subcommands.join(' ')})'`] : [`    '*:file:_files'`];
    return `_envbench_${c.path.join('_').replace(/-/g, '_')}() {\n  _arguments -s \\\n${[...specs, ...subs].join(' \\\n')}\n}`;
  });
  const dispatch = commands.map((c) => `    ${c.path.join('\\ ')}) _envbench_${c.path.join('_').replace(/-/g, '_')} ;;`);
  return `#compdef envbench
# envbench completion for zsh: envbench completion zsh > "\${fpath[1]}/_envbench"
${functions.join('\n\n')}

_envbench() {
  local -a commands=(${top.map((c) => `'${c.path[0]}:${describe(c.description)}'`).join(' ')})
  local path="" word
  for word in "\${words[@]:1:CURRENT-2}"; do [[ $word == -* ]] || path="\${path:+$path }$word"; done
  if [[ -z $path ]]; then _describe command commands; return; fi
  case "$path" in
${dispatch.join('\n')}
    *) _files ;;
  esac
}
compdef _envbench envbench
`;
}

function fish(commands: CommandWords[], top: CommandWords[]): string {
  const lines = [
    '# envbench completion for fish: envbench completion fish > ~/.config/fish/completions/envbench.fish',
    'complete -c envbench -f',
    ...top.map((c) => `complete -c envbench -n __fish_use_subcommand -a ${quoted(c.path[0]!)} -d ${quoted(c.description.slice(0, 80))}`),
  ];
  for (const c of commands) {
    const when = c.path.length === 1 ? `__fish_seen_subcommand_from ${c.path[0]}` : `__fish_seen_subcommand_from ${c.path.at(-1)}`;
    for (const sub of c.subcommands) lines.push(`complete -c envbench -n ${quoted(when)} -a ${quoted(sub)}`);
    for (const o of c.options) {
      const long = o.flags.find((f) => f.startsWith('--'));
      const short = o.flags.find((f) => !f.startsWith('--'));
      const value = o.takesValue ? (o.choices ? ` -x -a ${quoted(o.choices.join(' '))}` : ' -r -F') : '';
      lines.push(`complete -c envbench -n ${quoted(when)}${long ? ` -l ${long.slice(2)}` : ''}${short ? ` -s ${short.slice(1)}` : ''}${value} -d ${quoted(o.description.slice(0, 80))}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** `envbench completion SHELL`: a script for that shell, made from the commands and options as defined. */
export function completionScript(program: Command, shell: string): string {
  if (!(COMPLETION_SHELLS as readonly string[]).includes(shell)) {
    throw new UserError(`No completion for "${shell}"`, `EnvBench writes completion scripts for ${COMPLETION_SHELLS.join(', ')}`, 'Pass one of them, for example: envbench completion bash');
  }
  const commands = walk(program);
  const top = commands.filter((c) => c.path.length === 1);
  if (shell === 'bash') return bash(commands, top.map((c) => c.path[0]!));
  if (shell === 'zsh') return zsh(commands, top);
  return fish(commands, top);
}
