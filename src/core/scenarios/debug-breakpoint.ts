import type { RuntimeId } from '../../shared/run';
import type { DebuggerState } from './delve-client';
import { breakpointHit, DelveClient } from './delve-client';
import { DebugServerEnded } from '../environments/debug-server';
import { sampleFailure } from '../measure/command-failure';
import type { DebugServer } from '../environments/runtime';
import { describeError } from '../user-error';
import type { ProbeContext, ProbeOutcome } from './probe';

const BREAKPOINT = 'main.main';

/**
 * The line of Delve's output saying the kernel refused to trace the program: no ptrace permission
 * (CAP_SYS_PTRACE, Yama) or a seccomp profile that blocks ptrace. (Delve ignores a refused
 * personality(2), so Docker's default profile blocking ASLR changes does not stop it.) Null otherwise.
 */
export function ptraceDenied(output: string): string | null {
  const lines = output.split('\n').map((l) => l.trim());
  return (
    lines.find((l) => /(could not launch process|could not attach|could not disable ASLR|personality|ptrace)/i.test(l) && /(operation not permitted|permission denied)/i.test(l)) ?? null
  );
}

function ptraceFailure(runtime: RuntimeId, line: string): string {
  const fix =
    runtime === 'docker' || runtime === 'dind'
      ? 'the container needs ptrace permission: run it with --cap-add SYS_PTRACE, or --security-opt seccomp=unconfined where the engine\'s seccomp profile blocks ptrace (Docker before 19.03, kernels before 4.8, custom profiles)'
      : 'allow this user to trace its own children (kernel.yama.ptrace_scope <= 1) or run where ptrace is not filtered';
  return `Delve could not trace the program in ${runtime}: ${line}. ${fix[0]!.toUpperCase()}${fix.slice(1)}`;
}

function stateSummary(state: DebuggerState): string {
  if (state.exited) return `the program exited with ${state.exitStatus ?? '?'} without stopping`;
  const fn = state.currentThread?.function?.name;
  return fn ? `it stopped in ${fn}, not at a breakpoint` : 'it stopped with no current thread';
}

/**
 * One debug session as an editor starts it: `dlv debug --headless` on the first main package,
 * connect to its JSON-RPC API, break at main.main, continue, and time each phase. The sample only
 * counts when Delve reports the program stopped at that breakpoint.
 */
export async function debugBreakpoint({ session, workspace, cwd, timeoutMs, execOptions }: ProbeContext): Promise<ProbeOutcome> {
  const main = workspace.mainPackages[0];
  if (!main) return { failure: `${workspace.module} has no main package, so there is nothing to debug: debug-breakpoint needs a package main with func main` };
  const dlv = ['dlv', 'debug', main];

  let server: DebugServer;
  try {
    server = await session.startDebugServer(main, cwd, execOptions);
  } catch (error) {
    if (!(error instanceof DebugServerEnded)) throw error;
    const { outcome } = error;
    if (outcome.cancelled) return { failure: 'cancelled' };
    const denied = ptraceDenied(`${outcome.stderr}\n${outcome.stdout}`);
    if (denied) return { failure: ptraceFailure(session.runtime, denied), facts: { ptrace: denied } };
    return { failure: sampleFailure(dlv, outcome, timeoutMs) ?? error.message };
  }

  const call = { timeoutMs, signal: execOptions.signal };
  const phases = [{ name: 'listening', ms: server.listeningMs }];
  let client: DelveClient | null = null;
  let failure: string | null = null;
  try {
    const attachStarted = performance.now();
    client = new DelveClient(await server.connect());
    await client.call('CreateBreakpoint', { Breakpoint: { FunctionName: BREAKPOINT } }, call);
    phases.push({ name: 'attach', ms: performance.now() - attachStarted });
    const continued = performance.now();
    const reply = await client.call<{ State: DebuggerState }>('Command', { name: 'continue' }, call);
    phases.push({ name: 'breakpoint', ms: performance.now() - continued });
    const hit = breakpointHit(reply.State);
    if (hit !== BREAKPOINT) failure = `the breakpoint at ${BREAKPOINT} was not hit: ${stateSummary(reply.State)}`;
    // Kill the program and end the headless server (with --accept-multiclient it outlives clients otherwise).
    await client.call('Detach', { Kill: true }, call);
  } catch (error) {
    failure = execOptions.signal?.aborted ? 'cancelled' : (failure ?? `talking to Delve failed: ${describeError(error)}`);
  } finally {
    client?.close();
  }
  const measured = await server.stop();
  // Delve listens before it launches the program, so a refused ptrace shows up here too.
  const denied = ptraceDenied(`${measured.stderr}\n${measured.stdout}`);
  if (denied) return { failure: ptraceFailure(session.runtime, denied), facts: { ptrace: denied } };
  if (failure) return { failure };
  if (measured.cancelled) return { failure: execOptions.signal?.aborted ? 'cancelled' : 'dlv did not exit after Detach and was stopped' };
  if (!measured.report) return { failure: sampleFailure(dlv, measured, timeoutMs) ?? 'dlv ended without a measurement' };
  return { phases, measured, facts: { ptrace: 'allowed' } };
}
