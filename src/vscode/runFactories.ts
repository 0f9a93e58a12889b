/**
 * Builds the workflow engine for one run: the language model and web search (real providers, or
 * the offline demo ones), the prompt library and the Orchestrator.
 *
 * Owns: the choice of providers and the lazy loading of the SDKs (each SDK is a chunk of its own
 * in dist/lazy/, see esbuild.mjs), the orchestrator and the prompt loader (each is required only
 * when a run starts, so activation stays fast). Must not: talk to the person (the controller
 * does).
 */
import type { OrchestratorDeps, RunOptions, RunOutcome } from '../core/api';
import type { PromptLibrary } from '../core/library';
import type { LanguageModel, Log, WebSearch } from '../core/ports';

export interface ProviderRequest {
  demo: boolean;
  anthropicKey?: string;
  exaKey?: string;
  anthropicBaseUrl?: string;
  exaBaseUrl?: string;
  log: Log;
}

export interface Providers {
  model: LanguageModel;
  search: WebSearch | null;
}

export async function createProviders(request: ProviderRequest): Promise<Providers> {
  if (request.demo) {
    const { DemoModel, DemoSearch } = await import('../providers/demo.js');
    return { model: new DemoModel(), search: new DemoSearch() };
  }
  if (!request.anthropicKey) throw new Error('An Anthropic API key is required outside demo mode.');
  const { AnthropicModel } = await import('../lazy/anthropic');
  const model = new AnthropicModel({ apiKey: request.anthropicKey, baseURL: request.anthropicBaseUrl, log: request.log });
  let search: WebSearch | null = null;
  if (request.exaKey) {
    const { ExaSearch } = await import('../lazy/exa');
    search = new ExaSearch({ apiKey: request.exaKey, baseURL: request.exaBaseUrl, log: request.log });
  }
  return { model, search };
}

export async function loadLibrary(options: {
  bundledDir: string;
  workspaceFolders: string[];
  extraFolders: string[];
}): Promise<PromptLibrary> {
  const { loadPromptLibrary } = await import('../lazy/prompts');
  return loadPromptLibrary(options);
}

export interface Engine {
  start(problem: string, options?: RunOptions): Promise<RunOutcome>;
  resume(id: string, options?: RunOptions): Promise<RunOutcome>;
}

export async function createEngine(deps: OrchestratorDeps): Promise<Engine> {
  const { Orchestrator } = await import('../core/orchestrator.js');
  return new Orchestrator(deps);
}
