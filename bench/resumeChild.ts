/**
 * A run in its own process, so that the benchmark can kill it for real (SIGKILL) in the middle
 * of the analyst step: the real orchestrator resuming a run saved at its proposal gate, the real
 * SDKs against the fake APIs whose addresses it is given, and the state store on disk. Started
 * by the benchmark with one argument, a JSON object (see ChildConfig); prints nothing and exits
 * when the run ends.
 */
import { Orchestrator } from '../src/core/orchestrator';
import { FileStateStore } from '../src/core/stateStore';
import { AnthropicModel } from '../src/providers/anthropic';
import { ExaSearch } from '../src/providers/exa';
import { bundledLibrary } from '../test/helpers/fakeRun';
import { benchDeps } from './setup';

export interface ChildConfig {
  anthropicUrl: string;
  anthropicKey: string;
  exaUrl: string;
  exaKey: string;
  storeDir: string;
  /** The saved run to resume (stopped at its proposal gate). */
  runId: string;
}

async function main(): Promise<void> {
  const raw = process.argv[2];
  if (!raw) throw new Error('Usage: node resumeChild.js <json config>');
  const config = JSON.parse(raw) as ChildConfig;
  const deps = benchDeps({
    model: new AnthropicModel({ apiKey: config.anthropicKey, baseURL: config.anthropicUrl }),
    search: new ExaSearch({ apiKey: config.exaKey, baseURL: config.exaUrl }),
    store: new FileStateStore(config.storeDir),
    library: await bundledLibrary(),
  });
  const outcome = await new Orchestrator(deps).resume(config.runId);
  process.exitCode = outcome.state.status === 'done' ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 2;
});
