/**
 * The fake Anthropic and Exa servers in a process of their own, so that their latency model
 * (timers pacing every streamed token) does not share an event loop with the orchestrator being
 * measured. The benchmark starts this module with an IPC channel (`startFakeHost`); the host
 * answers with the servers' addresses and, on request, the timing of every request received
 * (bodies and headers left out), clears its cache and request records, and closes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { AnthropicModel } from '../src/providers/anthropic';
import { ExaSearch } from '../src/providers/exa';
import { startFakeAnthropic, type CacheOutcome, type TaskTag } from '../test/fakes/anthropicServer';
import { startFakeExa } from '../test/fakes/exaServer';
import { realisticResponder } from './realistic';
import { benchResponder, MODEL_LATENCY, SEARCH_LATENCY } from './setup';

/**
 * Which answers the fake API gives: `short`, the demo answers with analyst bodies lengthened
 * (the scenario the figures were first measured with), or `realistic` (see realistic.ts).
 */
export type Scenario = 'short' | 'realistic';

/** What the benchmark needs of one recorded Messages API request. */
export interface ModelRequestTiming {
  index: number;
  task?: TaskTag;
  outcome: string;
  cache?: CacheOutcome;
  receivedAt: number;
  firstTokenAt?: number;
  finishedAt?: number;
}

export interface SearchRequestTiming {
  index: number;
  outcome: string;
  receivedAt: number;
  finishedAt?: number;
}

export interface RequestTimings {
  anthropic: ModelRequestTiming[];
  exa: SearchRequestTiming[];
}

type HostOp = { op: 'requests' | 'reset' | 'close' } | { op: 'scenario'; scenario: Scenario };
type HostRequest = HostOp & { id: number };
type HostMessage =
  | { type: 'ready'; anthropic: { url: string; apiKey: string }; exa: { url: string; apiKey: string } }
  | { type: 'reply'; id: number; timings?: RequestTimings };

/** The parent's handle on the fake servers running in the host process. */
export interface FakeHost {
  anthropic: { url: string; apiKey: string };
  exa: { url: string; apiKey: string };
  /** The real providers (and so the real SDKs), pointed at the fakes. */
  model: AnthropicModel;
  search: ExaSearch;
  timings(): Promise<RequestTimings>;
  /** Empties the prompt cache and forgets the recorded requests. */
  reset(): Promise<void>;
  /** Switches the fake API's answers (the servers start with `short`). */
  scenario(name: Scenario): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeHost(): Promise<FakeHost> {
  const child: ChildProcess = fork(path.join(__dirname, 'fakeHost.js'), ['--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, (m: Extract<HostMessage, { type: 'reply' }>) => void>();
  let next = 0;
  const ready = new Promise<Extract<HostMessage, { type: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The fake API host exited during start-up (code ${code}).`)));
    child.on('message', (message: HostMessage) => {
      if (message.type === 'ready') resolve(message);
      else {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
  const info = await ready;
  const ask = (op: HostOp | Exclude<HostOp['op'], 'scenario'>) =>
    new Promise<Extract<HostMessage, { type: 'reply' }>>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      child.send({ id, ...(typeof op === 'string' ? { op } : op) } as HostRequest);
    });
  return {
    anthropic: info.anthropic,
    exa: info.exa,
    model: new AnthropicModel({ apiKey: info.anthropic.apiKey, baseURL: info.anthropic.url }),
    search: new ExaSearch({ apiKey: info.exa.apiKey, baseURL: info.exa.url }),
    async timings() {
      return (await ask('requests')).timings ?? { anthropic: [], exa: [] };
    },
    async reset() {
      await ask('reset');
    },
    async scenario(name) {
      await ask({ op: 'scenario', scenario: name });
    },
    async close() {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await ask('close');
      await exited;
    },
  };
}

async function serve(): Promise<void> {
  const anthropic = await startFakeAnthropic({ responder: benchResponder, latency: MODEL_LATENCY });
  const exa = await startFakeExa({ latency: SEARCH_LATENCY });
  const send = (m: HostMessage) => process.send?.(m);
  process.on('message', (m: HostRequest) => {
    if (m.op === 'requests') {
      send({
        type: 'reply',
        id: m.id,
        timings: {
          anthropic: anthropic.requests.map((r) => ({
            index: r.index,
            task: r.task,
            outcome: r.outcome,
            cache: r.cache,
            receivedAt: r.receivedAt,
            firstTokenAt: r.firstTokenAt,
            finishedAt: r.finishedAt,
          })),
          exa: exa.requests.map((r) => ({ index: r.index, outcome: r.outcome, receivedAt: r.receivedAt, finishedAt: r.finishedAt })),
        },
      });
    } else if (m.op === 'scenario') {
      anthropic.setResponder(m.scenario === 'realistic' ? realisticResponder : benchResponder);
      send({ type: 'reply', id: m.id });
    } else if (m.op === 'reset') {
      anthropic.clearCache();
      anthropic.clearRequests();
      exa.clearRequests();
      send({ type: 'reply', id: m.id });
    } else if (m.op === 'close') {
      void Promise.all([anthropic.close(), exa.close()]).then(() => {
        send({ type: 'reply', id: m.id });
        process.disconnect?.();
      });
    }
  });
  // The parent went away without closing: do not outlive it.
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', anthropic: { url: anthropic.url, apiKey: anthropic.apiKey }, exa: { url: exa.url, apiKey: exa.apiKey } });
}

if (require.main === module && process.argv.includes('--serve')) {
  serve().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
