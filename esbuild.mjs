// Bundles the extension host code (src/extension.ts -> dist/extension.js, CommonJS for Node 20)
// and the webview code (media/src/main.ts -> dist/webview.js, IIFE for the browser) separately.
// Type-checking is not done here: `npm run check` runs tsc --noEmit.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { copyFileSync, mkdirSync, readdirSync, existsSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * exa-js imports cross-fetch (-> node-fetch -> whatwg-url -> tr46), which would add hundreds of
 * kilobytes to the bundle. Node 20 has a global fetch, so cross-fetch is replaced by a shim that
 * re-exports it.
 */
const fetchShim = {
  name: 'fetch-shim',
  setup(build) {
    build.onResolve({ filter: /^(cross-fetch|node-fetch)$/ }, () => ({
      path: path.join(root, 'src', 'providers', 'fetchShim.ts'),
    }));
  },
};

/**
 * Heavy libraries load on first use. Every `src/lazy/<name>.ts` is bundled on its own into
 * `dist/lazy/<name>.js`; in the extension bundle an import of it stays a `require('./lazy/<name>.js')`
 * resolved at run time, so activation never loads it; a lazy chunk that imports another one
 * requires its sibling. Under tsc (tests) the same import is an ordinary module import.
 */
const lazyDir = path.join(root, 'src', 'lazy');
const lazyNames = existsSync(lazyDir)
  ? readdirSync(lazyDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).map((f) => f.slice(0, -3))
  : [];
/** `prefix`: where dist/lazy/ is seen from the bundle being built (`./lazy/` from dist/, `./` from a lazy chunk). */
const lazyExternal = (prefix) => ({
  name: 'lazy-external',
  setup(build) {
    build.onResolve({ filter: /(^|\/)lazy\/[A-Za-z0-9_-]+$/ }, (args) => {
      const name = path.basename(args.path);
      const resolved = path.resolve(args.resolveDir, args.path);
      if (resolved !== path.join(lazyDir, name) || !lazyNames.includes(name)) return undefined;
      return { path: `${prefix}${name}.js`, external: true };
    });
  },
});

/** Prints errors in the problem-matcher format used by the build task in .vscode/tasks.json. */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'silent',
  plugins: [problemMatcher],
};

/**
 * The panel's icon font: copied from @vscode/codicons into dist/codicons/, because the packaged
 * extension does not ship node_modules.
 */
function copyCodicons() {
  const from = path.join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  const to = path.join(root, 'dist', 'codicons');
  mkdirSync(to, { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) copyFileSync(path.join(from, file), path.join(to, file));
}
copyCodicons();

/** Chunks of lazy entry points that no longer exist would still be packaged: remove them. */
function removeStaleLazyChunks() {
  const dir = path.join(root, 'dist', 'lazy');
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir)) {
    const name = file.replace(/\.js(\.map)?$/, '');
    if (!lazyNames.includes(name)) rmSync(path.join(dir, file));
  }
}
removeStaleLazyChunks();

const contexts = await Promise.all([
  esbuild.context({
    ...common,
    entryPoints: [path.join(root, 'src', 'extension.ts')],
    outfile: path.join(root, 'dist', 'extension.js'),
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['vscode'],
    plugins: [fetchShim, lazyExternal('./lazy/'), problemMatcher],
    metafile: true,
  }),
  ...lazyNames.map((name) =>
    esbuild.context({
      ...common,
      entryPoints: [path.join(lazyDir, `${name}.ts`)],
      outfile: path.join(root, 'dist', 'lazy', `${name}.js`),
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      external: ['vscode'],
      // A lazy chunk may load others (the documents reader loads each format's reader): siblings.
      plugins: [fetchShim, lazyExternal('./'), problemMatcher],
      metafile: true,
    }),
  ),
  esbuild.context({
    ...common,
    entryPoints: [path.join(root, 'media', 'src', 'main.ts')],
    outfile: path.join(root, 'dist', 'webview.js'),
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
  }),
]);

if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  const results = await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  const failed = results.some((r) => r.errors.length > 0);
  if (failed) process.exit(1);
}
