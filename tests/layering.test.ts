import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/envbench-cli';

// The layering rules of eslint.config.mjs, proven on snippets placed (virtually) in each folder.
const eslint = new ESLint({ cwd: ROOT });

async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return result!.messages.filter((m) => m.ruleId?.endsWith('no-restricted-imports')).map((m) => m.message);
}

describe('layering lint rules', () => {
  it.each([
    ['core may not import electron', 'src/core/x.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['shared may not import Node built-ins', 'src/shared/x.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
    ['shared may not import core', 'src/shared/x.ts', "import { createCore } from '../core/create-core';\nexport const x = createCore;\n"],
    ['renderer may not import Node built-ins', 'src/renderer/src/x.ts', "import path from 'path';\nexport const x = path;\n"],
    ['renderer takes only types from shared', 'src/renderer/src/x.ts', "import { RUNTIME_ID_PATTERN } from '../../shared/run';\nexport const x = RUNTIME_ID_PATTERN;\n"],
    ['preload takes only types from shared (no schema)', 'src/preload/x.ts', "import { ipcInvokeArgs } from '../shared/ipc/invoke-args';\nexport const x = ipcInvokeArgs;\n"],
    ['core may not import the CLI', 'src/core/x.ts', "import { main } from '../cli/envbench';\nexport const x = main;\n"],
    ['core reaches environments through the registry only', 'src/core/bench/x.ts', "import { NativeRuntime } from '../environments/native/native';\nexport const x = NativeRuntime;\n"],
    ['an environment folder may not import another', 'src/core/environments/nix/x.ts', "import { managedLabels } from '../docker/labels';\nexport const x = managedLabels;\n"],
    ['a shared environment helper may not import an environment folder', 'src/core/environments/x.ts', "import { managedLabels } from './docker/labels';\nexport const x = managedLabels;\n"],
    ['environments may not import the run engine', 'src/core/environments/docker/x.ts', "import { executeRun } from '../../bench/run-scheduler';\nexport const x = executeRun;\n"],
    ['environments may not import scenarios', 'src/core/environments/x.ts', "import { SCENARIOS } from '../scenarios/catalog';\nexport const x = SCENARIOS;\n"],
    ['core may not import the HTTP bridge', 'src/core/x.ts', "import { startBridge } from '../serve/bridge-server';\nexport const x = startBridge;\n"],
    ['core may not import the harness benchmark', 'src/core/x.ts', "import { measureAaCheck } from '../harness-bench/aa-section';\nexport const x = measureAaCheck;\n"],
    ['serve may not import electron', 'src/serve/x.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['serve may not import the CLI', 'src/serve/x.ts', "import { cliCore } from '../cli/cli-core';\nexport const x = cliCore;\n"],
    ['main may not import the HTTP bridge', 'src/main/x.ts', "import { startBridge } from '../serve/bridge-server';\nexport const x = startBridge;\n"],
    ['the CLI may not import the harness benchmark', 'src/cli/commands/x.ts', "import { measureAaCheck } from '../../harness-bench/aa-section';\nexport const x = measureAaCheck;\n"],
    ['the harness benchmark may not import electron', 'src/harness-bench/x.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ])('%s', async (_name, file, code) => {
    expect(await violations(file, code)).not.toEqual([]);
  });

  it.each([
    ['renderer type imports from shared', 'src/renderer/src/x.ts', "import type { RunJson } from '../../shared/run';\nexport type X = RunJson;\n"],
    ['preload value imports of the contract\'s channel lists', 'src/preload/x.ts', "import { INVOKE_CHANNELS } from '../shared/ipc/contract';\nexport const x = INVOKE_CHANNELS;\n"],
    ['renderer value imports from shared/format', 'src/renderer/src/x.ts', "import { formatMs } from '../../shared/format/units';\nexport const x = formatMs;\n"],
    ['the registry imports each environment folder', 'src/core/environments/registry.ts', "import { NixRuntime } from './nix/nix';\nexport const x = NixRuntime;\n"],
    ['dind builds on docker', 'src/core/environments/dind/x.ts', "import { managedLabels } from '../docker/labels';\nexport const x = managedLabels;\n"],
    ['an environment uses the shared helpers and lower layers', 'src/core/environments/nix/x.ts', "import { goEnvironment } from '../go-environment';\nimport { probe } from '../../machine/tool-version';\nexport const x = [goEnvironment, probe];\n"],
    ['core uses the registry', 'src/core/x.ts', "import { createRuntimes } from './environments/registry';\nexport const x = createRuntimes;\n"],
    ['core imports shared and Node', 'src/core/x.ts', "import fs from 'node:fs';\nimport { RUNTIME_ID_PATTERN } from '../shared/run';\nexport const x = [fs, RUNTIME_ID_PATTERN];\n"],
    ['main imports electron and core', 'src/main/x.ts', "import { app } from 'electron';\nimport { createCore } from '../core/create-core';\nexport const x = [app, createCore];\n"],
    ['serve imports core and Node', 'src/serve/x.ts', "import http from 'node:http';\nimport { createIpcService } from '../core/ipc-service';\nexport const x = [http, createIpcService];\n"],
    ['the CLI imports the HTTP bridge', 'src/cli/commands/x.ts', "import { startBridge } from '../../serve/bridge-server';\nexport const x = startBridge;\n"],
    ['the harness benchmark imports the CLI, serve and core', 'src/harness-bench/x.ts', "import { cliCore } from '../cli/cli-core';\nimport { startBridge } from '../serve/bridge-server';\nimport { createCore } from '../core/create-core';\nexport const x = [cliCore, startBridge, createCore];\n"],
  ])('allows %s', async (_name, file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});
