/**
 * Step 2 — fresh sources: the model judges how much the problem needs current sources; the
 * person adds context documents (files of any supported format, or whole folders) and/or a
 * research_briefing.yaml, allows web search, or goes on without. While choosing, the gate shows
 * per document its passages, tokens and whether it fits the context budget (`previewChoice`).
 * Documents that cannot be read are reported by name with what to do, and the person is asked
 * again, starting from the rest of the choice: nothing else chosen is lost. Text shaped like an
 * API key in a document is redacted as it is read. The passages read are kept in the state (the L0 sources), with
 * each file's SHA-256, so a resume never reads them again (see `checkDocuments`).
 */
import path from 'node:path';
import * as z from 'zod';
import { briefingSources, briefingToContextText, parseBriefing } from '../briefing';
import { contextBudgetFor, planContext } from '../contextBudget';
import { CancelledByPerson, type CallSpec, type RunContext } from '../context';
import { CancelledError, errorMessage, isAbortError, isDocumentError } from '../errors';
import { stepSystem } from '../promptText';
import { languageName } from '../language';
import { parseJsonAnswer } from '../modelAnswers';
import { redactKeyShapedText } from '../secrets';
import { estimateTokens, locationLabel, passageTokens, type ParsedDocument } from '../passages';
import type { DocumentPreview, DocumentProblem, DocumentType, SourceChoice, SourceChoiceRequest, SourcesPreview } from '../ports';
import { deepFreeze } from '../snapshotParts';
import { SourceNeed, type ContextDocument, type ContextPlan, type Source, type WorkflowState } from '../state';

const NeedAnswer = z.object({ need: SourceNeed, rationale: z.string().default('') });

export function nextSourceId(sources: Source[]): string {
  const max = sources.reduce((m, s) => Math.max(m, Number(s.id.slice(1))), 0);
  return `S${max + 1}`;
}

/**
 * The source-need call in a language (a code). It needs only the problem and the language, so
 * the parse step starts it in the language the run will most likely have (see parse.ts); the
 * key names the language, so that an answer in another language is never taken for this one.
 */
export function sourceNeedCall(ctx: RunContext, language: string): CallSpec {
  const name = languageName(language);
  return {
    key: `source-need:${language}`,
    step: 'sources',
    label: 'source-need',
    system: stepSystem(ctx, 'source-need', { language_name: name, today: ctx.today() }, { language: name }),
    messages: [{ role: 'user', content: 'Judge how much this problem needs current sources and answer with the JSON object.' }],
    maxTokens: 600,
  };
}

async function judgeNeed(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  // A run recorded before the key named the language keeps its answer.
  const call = ctx.recorded('source-need') ?? (await ctx.call(sourceNeedCall(ctx, s.language)));
  try {
    const a = parseJsonAnswer(call.text, NeedAnswer);
    s.sourceNeed = a.need;
    s.sourceNeedRationale = a.rationale;
  } catch (err) {
    s.sourceNeed = 'medium';
    s.sourceNeedRationale = '';
    ctx.log.warn(`The source-need answer could not be used (${errorMessage(err)}); assuming a medium need.`);
  }
}

type ChoiceInput = { contextFiles: string[]; briefingFile?: string; types?: readonly DocumentType[] };

interface ReadFile {
  file: string;
  doc?: ParsedDocument;
  problem?: DocumentProblem;
}

interface ReadChoice {
  files: ReadFile[];
  /** Problems met while walking chosen folders (a symbolic-link loop, too many files, ...). */
  warnings: DocumentProblem[];
  briefing?: { path: string; text: string; sources: ReturnType<typeof briefingSources>; briefing: ReturnType<typeof parseBriefing> };
  briefingProblem?: string;
}

/** Reads what the person chose: files and folders (expanded), and the briefing. Never throws for a document. */
async function readChoice(ctx: RunContext, choice: ChoiceInput): Promise<ReadChoice> {
  const files: ReadFile[] = [];
  const warnings: DocumentProblem[] = [];
  const seen = new Set<string>();
  for (const chosen of choice.contextFiles) {
    const expanded = await ctx.documents.expand([chosen], choice.types);
    if (expanded.files.length === 0) {
      const problem = expanded.problems[0] ?? {
        path: chosen,
        code: 'empty' as const,
        message: `${chosen} holds no supported documents (PDF, Word, Excel, CSV, PowerPoint, Markdown, text or HTML): choose another folder or change the type filter.`,
      };
      files.push({ file: chosen, problem });
      warnings.push(...expanded.problems.slice(1));
      continue;
    }
    warnings.push(...expanded.problems);
    for (const file of expanded.files) {
      if (seen.has(file)) continue;
      seen.add(file);
      files.push({ file });
    }
  }
  for (const f of files) {
    if (f.problem) continue;
    ctx.throwIfCancelled();
    try {
      const doc = await ctx.documents.read(f.file, { signal: ctx.signal });
      // A document quoting something shaped like an API key is used without it.
      f.doc = { ...doc, passages: doc.passages.map((p) => ({ ...p, text: redactKeyShapedText(p.text) })) };
    } catch (err) {
      if (isAbortError(err)) throw new CancelledError();
      f.problem = isDocumentError(err) ? err.problem : { path: f.file, code: 'unreadable', message: `The context document "${f.file}" could not be read: ${errorMessage(err)}` };
    }
  }
  const out: ReadChoice = { files, warnings };
  if (choice.briefingFile) {
    try {
      const raw = redactKeyShapedText(await ctx.workspace.readText(choice.briefingFile));
      const briefing = parseBriefing(raw, path.basename(choice.briefingFile));
      out.briefing = { path: choice.briefingFile, text: '', sources: briefingSources(briefing), briefing };
    } catch (err) {
      out.briefingProblem = `The research briefing "${choice.briefingFile}" could not be read: ${errorMessage(err)}`;
    }
  }
  return out;
}

function problemsOf(read: ReadChoice): string[] {
  const out = read.files.filter((f) => f.problem).map((f) => f.problem!.message);
  if (read.briefingProblem) out.push(read.briefingProblem);
  return out;
}

function contextQuery(s: WorkflowState): string {
  return [s.problem, ...s.clarifications.map((c) => c.answer)].join('\n');
}

/** Plans the budget over what was read; source ids are the ones the documents will get. */
async function plan(ctx: RunContext, read: ReadChoice, firstId: number, briefingText: string) {
  const docs = read.files.filter((f) => f.doc).map((f, i) => ({ sourceId: `S${firstId + i}`, passages: f.doc!.passages, file: f }));
  const selection = await planContext(docs, contextBudget(ctx), contextQuery(ctx.state), briefingText ? estimateTokens(briefingText) : 0);
  return { docs, selection };
}

export function contextBudget(ctx: RunContext): number {
  return contextBudgetFor(ctx.modelFor('analysts'), ctx.settings.contextMaxTokens);
}

/** What a choice would give, for the gate: per document its passages, tokens and whether it fits. */
export async function previewChoice(ctx: RunContext, choice: ChoiceInput): Promise<SourcesPreview> {
  const read = await readChoice(ctx, choice);
  const briefingText = read.briefing ? briefingToContextText(read.briefing.briefing, { sourceIds: read.briefing.sources.map(() => 'S0') }) : '';
  const { docs, selection } = await plan(ctx, read, 1, briefingText);
  const bySource = new Map(docs.map((d) => [d.file, d.sourceId]));
  const documents: DocumentPreview[] = read.files.map((f) => {
    if (!f.doc) return { path: f.file, title: path.basename(f.file), units: 0, passages: 0, tokens: 0, selectedTokens: 0, fits: 'none', leftOut: [], notes: [], problem: f.problem };
    const id = bySource.get(f)!;
    const chosen = new Set(selection.selected[id]);
    const selectedTokens = f.doc.passages.filter((p) => chosen.has(p.n)).reduce((n, p) => n + p.tokens, 0);
    const left = f.doc.passages.filter((p) => !chosen.has(p.n));
    return {
      path: f.doc.path,
      title: f.doc.title,
      format: f.doc.format,
      units: f.doc.units,
      passages: f.doc.passages.length,
      tokens: passageTokens(f.doc.passages),
      selectedTokens,
      fits: left.length === 0 ? 'all' : chosen.size === 0 ? 'none' : 'part',
      leftOut: left.slice(0, 12).map((p) => locationLabel(p.location)),
      notes: f.doc.notes,
    };
  });
  for (const w of read.warnings) documents.push({ path: w.path, title: path.basename(w.path), units: 0, passages: 0, tokens: 0, selectedTokens: 0, fits: 'none', leftOut: [], notes: [], problem: w, skipped: true });
  if (read.briefingProblem) {
    documents.push({ path: choice.briefingFile!, title: path.basename(choice.briefingFile!), units: 0, passages: 0, tokens: 0, selectedTokens: 0, fits: 'none', leftOut: [], notes: [], problem: { path: choice.briefingFile!, code: 'corrupt', message: read.briefingProblem } });
  }
  return { documents, budgetTokens: selection.plan.budgetTokens, availableTokens: selection.plan.availableTokens, selectedTokens: selection.plan.selectedTokens };
}

/** A choice with documents that cannot be used: the reasons, and the rest of the choice. */
class RejectedChoice extends Error {
  constructor(
    message: string,
    readonly rest: NonNullable<SourceChoiceRequest['previous']>,
  ) {
    super(message);
    this.name = 'RejectedChoice';
  }
}

/** Reads the chosen documents into context documents and L0 sources. Throws a readable Error. */
async function loadChoice(ctx: RunContext, choice: Extract<SourceChoice, { kind: 'choose' }>) {
  const read = await readChoice(ctx, choice);
  const problems = problemsOf(read);
  if (problems.length) {
    const unusable = new Set(read.files.filter((f) => f.problem).map((f) => f.file));
    if (read.briefingProblem && choice.briefingFile) unusable.add(choice.briefingFile);
    throw new RejectedChoice(problems.join('\n'), {
      contextFiles: choice.contextFiles.filter((f) => !unusable.has(f)),
      ...(choice.briefingFile && !unusable.has(choice.briefingFile) ? { briefingFile: choice.briefingFile } : {}),
      webSearch: choice.webSearch,
    });
  }
  const docs: ContextDocument[] = [];
  const sources: Source[] = [...ctx.state.sources];
  const firstId = Number(nextSourceId(sources).slice(1));
  let briefingText = '';
  const briefingIds: string[] = [];
  if (read.briefing) {
    // The briefing's sources come after the documents' ids.
    const n = read.files.filter((f) => f.doc).length;
    read.briefing.sources.forEach((_, i) => briefingIds.push(`S${firstId + n + i}`));
    briefingText = briefingToContextText(read.briefing.briefing, { sourceIds: briefingIds });
  }
  const { docs: planned, selection } = await plan(ctx, read, firstId, briefingText);
  for (const { sourceId, file } of planned) {
    const doc = file.doc!;
    sources.push({ id: sourceId, level: 'L0', title: doc.title, documentRef: doc.path, excerpt: doc.passages[0].text.slice(0, 300), passages: deepFreeze(doc.passages) });
    const selected = selection.selected[sourceId];
    docs.push({
      id: `doc-${docs.length + 1}`,
      title: doc.title,
      path: doc.path,
      kind: 'file',
      text: '',
      truncated: selected.length < doc.passages.length,
      sourceId,
      format: doc.format,
      sha256: doc.sha256,
      bytes: doc.bytes,
      units: doc.units,
      notes: doc.notes,
      selected,
    });
  }
  if (read.briefing) {
    read.briefing.sources.forEach((src, i) => {
      sources.push({ id: briefingIds[i], level: 'L0', title: src.title, url: src.url, publishedDate: src.publishedDate, excerpt: src.excerpt, documentRef: path.basename(read.briefing!.path) });
    });
    docs.push({ id: `doc-${docs.length + 1}`, title: path.basename(read.briefing.path), path: read.briefing.path, kind: 'briefing', text: briefingText, truncated: false });
  }
  return { docs, sources, plan: selection.plan, warnings: read.warnings };
}

export async function runSources(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  if (!s.sourceNeed) await judgeNeed(ctx);
  let problem: string | undefined;
  let previous: SourceChoiceRequest['previous'];
  for (let round = 1; ; round++) {
    await ctx.awaitPerson('sources');
    const choice = await ctx.ask(
      ctx.reviewer.chooseSources(
        {
          need: s.sourceNeed!,
          rationale: s.sourceNeedRationale,
          webSearchAvailable: ctx.search !== null,
          language: s.language,
          problem,
          previous,
          budgetTokens: contextBudget(ctx),
          preview: (c) => previewChoice(ctx, c),
        },
        s,
      ),
    );
    if (choice.kind === 'cancel') throw new CancelledByPerson('sources');
    try {
      const { docs, sources, plan: contextPlan, warnings } = await loadChoice(ctx, choice);
      s.contextDocuments = docs;
      s.sources = sources;
      s.contextPlan = contextPlan;
      logContext(ctx, contextPlan, warnings);
      s.webSearchAllowed = choice.webSearch && ctx.search !== null;
      ctx.record('sources', 'decision', `${docs.length} context document(s), web search ${s.webSearchAllowed ? 'allowed' : 'off'}`);
      ctx.runLog.decision({ step: 'sources', gate: 'sources', decision: 'choose', detail: `${docs.length} document(s); web search ${s.webSearchAllowed ? 'on' : 'off'}` });
      break;
    } catch (err) {
      problem = errorMessage(err);
      // Asked again with the reasons, starting from what could be used.
      if (err instanceof RejectedChoice) previous = err.rest;
      ctx.record('sources', 'gate-fail', problem);
      ctx.runLog.gate({ step: 'sources', gate: 'documents', passed: false, detail: problem });
      s.errors.push({ at: ctx.now(), step: 'sources', message: problem });
      if (round >= 5) throw new Error(problem);
    }
  }
  await ctx.resumeWork();
}

function logContext(ctx: RunContext, plan: ContextPlan, warnings: DocumentProblem[]): void {
  for (const w of warnings) ctx.runLog.note({ step: 'sources', message: w.message });
  const fit = plan.leftOut.length === 0;
  const summary = `${plan.selectedTokens} of ${plan.availableTokens} tokens of context sent (budget ${plan.budgetTokens})`;
  if (fit) {
    ctx.runLog.note({ step: 'sources', message: `Context documents: ${summary}; every passage fits.` });
    return;
  }
  const shown = plan.leftOut.slice(0, 40).map((r) => `${r.sourceId}.${r.n} ${r.label}`).join('; ');
  const more = plan.leftOut.length > 40 ? `; and ${plan.leftOut.length - 40} more` : '';
  ctx.runLog.note({
    step: 'sources',
    message: `Context documents: ${summary}. Left out of the shared context (${plan.leftOut.length} passages, the least relevant to the problem; analysts may still get those relevant to their focus): ${shown}${more}.`,
  });
}

/**
 * On resume: the documents are not read again (their passages are in the state), but a file
 * changed on disk since the run read it is detected by its hash and reported, never mixed in.
 */
export async function checkDocuments(ctx: RunContext): Promise<string[]> {
  const changed: string[] = [];
  for (const d of ctx.state.contextDocuments) {
    if (d.kind !== 'file' || !d.sha256) continue;
    const now = await ctx.documents.fingerprint(d.path);
    if (now !== d.sha256) changed.push(d.path);
  }
  return changed;
}
