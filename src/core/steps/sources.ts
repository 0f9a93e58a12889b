/**
 * Step 2 — fresh sources: the model judges how much the problem needs current sources; the
 * person adds context documents and/or a research_briefing.yaml, allows web search, or goes
 * on without. Documents that cannot be read are reported and the person is asked again:
 * nothing chosen is lost.
 */
import path from 'node:path';
import * as z from 'zod';
import { briefingSources, briefingToContextText, parseBriefing } from '../briefing';
import { CancelledByPerson, type RunContext } from '../context';
import { errorMessage } from '../errors';
import { outputLanguageName, sharedPrefix } from '../format';
import { parseJsonAnswer } from '../markdown';
import type { SourceChoice } from '../ports';
import { SourceNeed, type ContextDocument, type Source } from '../state';

const NeedAnswer = z.object({ need: SourceNeed, rationale: z.string().default('') });

export function nextSourceId(sources: Source[]): string {
  const max = sources.reduce((m, s) => Math.max(m, Number(s.id.slice(1))), 0);
  return `S${max + 1}`;
}

async function judgeNeed(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  const system = [
    { text: sharedPrefix(ctx), cache: true },
    { text: ctx.library.render('source-need', { language_name: outputLanguageName(s), today: ctx.today() }) },
  ];
  const call = await ctx.call({
    key: 'source-need',
    step: 'sources',
    label: 'source-need',
    system,
    messages: [{ role: 'user', content: 'Judge how much this problem needs current sources and answer with the JSON object.' }],
    maxTokens: 600,
  });
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

/** Reads the chosen documents into context documents and L0 sources. Throws a readable Error. */
async function loadChoice(ctx: RunContext, choice: Extract<SourceChoice, { kind: 'choose' }>) {
  const docs: ContextDocument[] = [];
  const sources: Source[] = [...ctx.state.sources];
  const max = ctx.settings.maxContextChars;
  for (const file of choice.contextFiles) {
    let text: string;
    try {
      text = await ctx.workspace.readText(file);
    } catch (err) {
      throw new Error(`The context document "${file}" could not be read: ${errorMessage(err)}`);
    }
    if (!text.trim()) throw new Error(`The context document "${file}" is empty.`);
    const id = nextSourceId(sources);
    const title = path.basename(file);
    sources.push({ id, level: 'L0', title, documentRef: title, excerpt: text.slice(0, 300) });
    docs.push({ id: `doc-${docs.length + 1}`, title, path: file, kind: 'file', text: text.slice(0, max), truncated: text.length > max, sourceId: id });
  }
  if (choice.briefingFile) {
    let raw: string;
    try {
      raw = await ctx.workspace.readText(choice.briefingFile);
    } catch (err) {
      throw new Error(`The research briefing "${choice.briefingFile}" could not be read: ${errorMessage(err)}`);
    }
    const briefing = parseBriefing(raw, path.basename(choice.briefingFile));
    const ids: string[] = [];
    for (const src of briefingSources(briefing)) {
      const id = nextSourceId(sources);
      ids.push(id);
      sources.push({ id, level: 'L0', title: src.title, url: src.url, publishedDate: src.publishedDate, excerpt: src.excerpt, documentRef: path.basename(choice.briefingFile) });
    }
    const text = briefingToContextText(briefing, { sourceIds: ids });
    docs.push({
      id: `doc-${docs.length + 1}`,
      title: path.basename(choice.briefingFile),
      path: choice.briefingFile,
      kind: 'briefing',
      text: text.slice(0, max),
      truncated: text.length > max,
    });
  }
  return { docs, sources };
}

export async function runSources(ctx: RunContext): Promise<void> {
  const s = ctx.state;
  if (!s.sourceNeed) await judgeNeed(ctx);
  let problem: string | undefined;
  for (let round = 1; ; round++) {
    await ctx.awaitPerson('sources');
    const choice = await ctx.ask(
      ctx.reviewer.chooseSources(
        { need: s.sourceNeed!, rationale: s.sourceNeedRationale, webSearchAvailable: ctx.search !== null, language: s.language, problem },
        s,
      ),
    );
    if (choice.kind === 'cancel') throw new CancelledByPerson('sources');
    try {
      const { docs, sources } = await loadChoice(ctx, choice);
      s.contextDocuments = docs;
      s.sources = sources;
      s.webSearchAllowed = choice.webSearch && ctx.search !== null;
      ctx.record('sources', 'decision', `${docs.length} context document(s), web search ${s.webSearchAllowed ? 'allowed' : 'off'}`);
      ctx.runLog.decision({ step: 'sources', gate: 'sources', decision: 'choose', detail: `${docs.length} document(s); web search ${s.webSearchAllowed ? 'on' : 'off'}` });
      break;
    } catch (err) {
      problem = errorMessage(err);
      ctx.record('sources', 'gate-fail', problem);
      ctx.runLog.gate({ step: 'sources', gate: 'documents', passed: false, detail: problem });
      s.errors.push({ at: ctx.now(), step: 'sources', message: problem });
      if (round >= 5) throw new Error(problem);
    }
  }
  await ctx.resumeWork();
}
