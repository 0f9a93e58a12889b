/**
 * Reads the `strategicAnalysis.*` settings and maps them to what the core and the providers need.
 *
 * Owns: setting names, validation of their values (with messages for the person) and the mapping
 * to OrchestratorSettings. Must not: hold defaults of its own that differ from core/settings.ts.
 */
import * as vscode from 'vscode';
import { DEFAULT_PRICES, withOverrides, type PriceTable } from '../core/pricing';
import { DEFAULT_SETTINGS, type OrchestratorSettings } from '../core/settings';
import { STEPS, type StepName } from '../core/state';
import { baseUrlOf } from '../core/endpoint';

export const SECTION = 'strategicAnalysis';

export type DemoModeSetting = 'auto' | 'on' | 'off';

export interface ExtensionSettings {
  orchestrator: OrchestratorSettings;
  anthropicBaseUrl?: string;
  exaBaseUrl?: string;
  demoMode: DemoModeSetting;
  promptFolders: string[];
  /** The published prices with the person's overrides (`strategicAnalysis.prices`). */
  prices: PriceTable;
  /** Problems found in the settings, in words for the person (the run goes on). */
  problems: string[];
  /**
   * Settings that make a run impossible outside demo mode (a base URL that is not a URL): the
   * run is refused rather than sent to another host. Each names the setting to fix.
   */
  blocking: Array<{ setting: string; message: string }>;
}

/**
 * Settings that decide where requests (and with them the API keys) are sent. They are
 * `application` scoped in package.json, so VS Code never applies a workspace's value; they are
 * also read from the user's own settings only, so a value in a cloned repository's
 * `.vscode/settings.json` is ignored even by a VS Code that did not honour the scope. (Not
 * `machine`: in a remote window — Remote-SSH, a dev container, code-server — VS Code ignores a
 * machine setting from the user settings, and while the window starts it sometimes still reads
 * it, so the same run could go to the configured gateway or to the default endpoint.)
 */
export const ENDPOINT_SETTINGS = ['anthropic.baseUrl', 'exa.baseUrl'] as const;

function userValue(c: vscode.WorkspaceConfiguration, key: (typeof ENDPOINT_SETTINGS)[number]): unknown {
  const inspected = c.inspect(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

function positiveInt(value: unknown, fallback: number, min = 1): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min ? value : fallback;
}

/**
 * Returns the URL without trailing slash, or a problem when it is not an http(s) URL. A problem
 * blocks the run: a person who configured a gateway is never sent silently to another host.
 */
export function checkBaseUrl(value: unknown, setting: string): { url?: string; problem?: string } {
  if (typeof value !== 'string' || value.trim() === '') return {};
  const url = baseUrlOf(value);
  if (url !== undefined) return { url };
  return {
    problem: vscode.l10n.t(
      'The setting {0} is not a valid http(s) URL: "{1}". Nothing was sent: correct it or clear it to use the default endpoint.',
      setting,
      value.trim(),
    ),
  };
}

/** Keeps only valid step names with non-empty model ids. */
export function modelsPerStep(value: unknown): { models: Partial<Record<StepName, string>>; unknown: string[] } {
  const models: Partial<Record<StepName, string>> = {};
  const unknown: string[] = [];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, model] of Object.entries(value as Record<string, unknown>)) {
      if ((STEPS as readonly string[]).includes(key) && typeof model === 'string' && model.trim()) {
        models[key as StepName] = model.trim();
      } else {
        unknown.push(key);
      }
    }
  }
  return { models, unknown };
}

export function readSettings(scope?: vscode.ConfigurationScope): ExtensionSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  const problems: string[] = [];
  const perStep = modelsPerStep(c.get('modelPerStep'));
  if (perStep.unknown.length) {
    problems.push(
      vscode.l10n.t(
        'strategicAnalysis.modelPerStep: ignored entries {0} (use step names: {1}).',
        perStep.unknown.join(', '),
        STEPS.join(', '),
      ),
    );
  }
  const blocking: ExtensionSettings['blocking'] = [];
  const anthropic = checkBaseUrl(userValue(c, 'anthropic.baseUrl'), `${SECTION}.anthropic.baseUrl`);
  const exa = checkBaseUrl(userValue(c, 'exa.baseUrl'), `${SECTION}.exa.baseUrl`);
  if (anthropic.problem) blocking.push({ setting: `${SECTION}.anthropic.baseUrl`, message: anthropic.problem });
  if (exa.problem) blocking.push({ setting: `${SECTION}.exa.baseUrl`, message: exa.problem });

  const modelSetting = c.get<string>('model');
  const language = c.get<string>('output.language');
  const folder = (c.get<string>('output.folder') ?? '').trim().replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  if (folder.split('/').includes('..')) {
    problems.push(vscode.l10n.t('strategicAnalysis.output.folder must stay inside the workspace; "{0}" is not used.', folder));
  }
  const demo = c.get<string>('demoMode');
  const budget = c.get<unknown>('budget.maxUsdPerRun');
  let maxUsdPerRun: number | null = null;
  if (typeof budget === 'number' && Number.isFinite(budget) && budget > 0) maxUsdPerRun = budget;
  else if (budget !== null && budget !== undefined && budget !== 0) {
    problems.push(vscode.l10n.t('strategicAnalysis.budget.maxUsdPerRun must be a positive number of USD; no budget is applied.'));
  }
  const priced = withOverrides(DEFAULT_PRICES, c.get<unknown>('prices'));
  for (const problem of priced.problems) problems.push(vscode.l10n.t('strategicAnalysis.prices: {0}', problem));
  const folders = c.get<unknown>('prompts.folders');

  return {
    orchestrator: {
      ...DEFAULT_SETTINGS,
      models: perStep.models,
      defaultModel: typeof modelSetting === 'string' && modelSetting.trim() ? modelSetting.trim() : DEFAULT_SETTINGS.defaultModel,
      maxParallelAnalysts: positiveInt(c.get('analysts.maxParallel'), DEFAULT_SETTINGS.maxParallelAnalysts),
      maxSearchesPerAnalysis: positiveInt(c.get('webSearch.maxSearches'), DEFAULT_SETTINGS.maxSearchesPerAnalysis, 0),
      contextMaxTokens: positiveInt(c.get('context.maxTokens'), DEFAULT_SETTINGS.contextMaxTokens, 0),
      analystFailureThreshold: positiveInt(c.get('analysts.failureThreshold'), DEFAULT_SETTINGS.analystFailureThreshold),
      outputLanguage: typeof language === 'string' && language.trim() ? language.trim() : DEFAULT_SETTINGS.outputLanguage,
      interfaceLanguage: vscode.env.language || DEFAULT_SETTINGS.interfaceLanguage,
      outputRoot: folder && !folder.split('/').includes('..') ? folder : DEFAULT_SETTINGS.outputRoot,
      maxUsdPerRun,
      unverifiedSources: c.get('citations.unverified') === 'omit' ? 'omit' : 'mark',
      maxSourceLookups: positiveInt(c.get('citations.maxLookups'), DEFAULT_SETTINGS.maxSourceLookups, 0),
    },
    prices: priced.table,
    anthropicBaseUrl: anthropic.url,
    exaBaseUrl: exa.url,
    demoMode: demo === 'on' || demo === 'off' ? demo : 'auto',
    promptFolders: Array.isArray(folders) ? folders.filter((f): f is string => typeof f === 'string' && f.trim() !== '') : [],
    problems,
    blocking,
  };
}
