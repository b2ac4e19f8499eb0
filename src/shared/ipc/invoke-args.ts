// The zod schema of every invoke channel's arguments: the main process and `envbench serve`
// check each call with them before the core sees it (ipc-service.ts). Apart from contract.ts so
// that zod and these schemas load with the first call, not with every start.
import { z } from 'zod';
import { LANGUAGE_IDS } from '../i18n/languages';
import { HOST_NAME_PATTERN } from '../hosts';
import { EXPORT_FORMATS, RUNTIME_ID_PATTERN } from '../run';
import type { InvokeChannel, IpcInvokeMap } from './contract';

// Which ids exist is the registry's to say (core answers an unknown one with a UserError).
const runtimeId = z.string().regex(RUNTIME_ID_PATTERN);
const MAX_RUNTIMES = 32;
const folder = z.string().min(1).max(4096);
const terminalId = z.string().min(1).max(100);
const hostName = z.string().regex(HOST_NAME_PATTERN);
const size = { cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(1000) };

const runRequest = z
      .object({
        workspace: folder,
        runtimes: z.array(runtimeId).min(1).max(MAX_RUNTIMES),
        scenarios: z.array(z.string().min(1).max(100)).min(1).max(100),
        runs: z.union([z.number().int().min(1).max(10_000), z.literal('auto')]),
        budgetSeconds: z.number().int().min(1).max(7 * 24 * 3600).optional(),
        warmup: z.number().int().min(0).max(10_000),
        offline: z.boolean(),
        firstRun: z.string().min(1).max(4096).optional(),
        main: z.string().min(1).max(4096).optional(),
        testArgs: z.string().min(1).max(4096).optional(),
      })
      .strict();

export const ipcInvokeArgs = {
  'app:info': z.tuple([]),
  'runtime:list': z.tuple([]),
  'hosts:list': z.tuple([]),
  'hosts:check': z.tuple([z.object({ name: hostName }).strict()]),
  'scenario:list': z.tuple([]),
  'workspace:inspect': z.tuple([z.object({ path: folder }).strict()]),
  'workspace:recent': z.tuple([]),
  'workspace:pick': z.tuple([]),
  'definitions:preview': z.tuple([z.object({ workspace: folder, runtimes: z.array(runtimeId).max(MAX_RUNTIMES) }).strict()]),
  'definitions:write': z.tuple([z.object({ workspace: folder, runtime: runtimeId, file: z.string().min(1).max(200) }).strict()]),
  'run:start': z.tuple([runRequest]),
  'run:plan': z.tuple([runRequest]),
  'run:cancel': z.tuple([z.object({ runId: z.string().min(1).max(200) }).strict()]),
  'run:active': z.tuple([]),
  'run:get': z.tuple([z.object({ id: z.string().min(1).max(200) }).strict()]),
  'run:delete': z.tuple([z.object({ id: z.string().min(1).max(200) }).strict()]),
  'run:compare': z.tuple([z.object({ before: z.string().min(1).max(200), after: z.string().min(1).max(200) }).strict()]),
  'run:export': z.tuple([z.object({ id: z.string().min(1).max(200), format: z.enum(EXPORT_FORMATS), path: z.string().min(1).max(4096), compareWith: z.string().min(1).max(200).optional(), language: z.enum(LANGUAGE_IDS).optional() }).strict()]),
  'run:download': z.tuple([z.object({ id: z.string().min(1).max(200), format: z.enum(EXPORT_FORMATS), compareWith: z.string().min(1).max(200).optional(), language: z.enum(LANGUAGE_IDS).optional() }).strict()]),
  'export:pick': z.tuple([z.object({ suggested: z.string().min(1).max(4096), extension: z.string().regex(/^[a-z.]{1,20}$/) }).strict()]),
  'export:reveal': z.tuple([z.object({ path: z.string().min(1).max(4096) }).strict()]),
  'history:query': z.tuple([z.object({ limit: z.number().int().min(1).max(100_000).optional(), offset: z.number().int().min(0).optional() }).strict()]),
  'history:trend': z.tuple([z.object({ scenario: z.string().min(1).max(100), runtime: runtimeId, workspace: folder.optional() }).strict()]),
  'terminal:open': z.tuple([z.object({ runtime: runtimeId, workspace: folder, ...size, offline: z.boolean().optional(), host: hostName.optional() }).strict()]),
  'terminal:write': z.tuple([z.object({ id: terminalId, data: z.string().max(1_000_000) }).strict()]),
  'terminal:resize': z.tuple([z.object({ id: terminalId, ...size }).strict()]),
  'terminal:ack': z.tuple([z.object({ id: terminalId, chars: z.number().int().min(0) }).strict()]),
  'terminal:close': z.tuple([z.object({ id: terminalId }).strict()]),
  'terminal:list': z.tuple([]),
} satisfies { [K in InvokeChannel]: z.ZodType<IpcInvokeMap[K]['args']> };
