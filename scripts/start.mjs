#!/usr/bin/env node
// `npm start`: builds the extension and opens VS Code with it (development mode) on sample-workspace/.
//   - Desktop VS Code when `code` is on PATH: code --extensionDevelopmentPath=<repo> sample-workspace
//   - Otherwise code-server (VS Code in the browser) from .vscode-test/code-server, installed by
//     scripts/setup-vscode-test.sh when missing, listening on 127.0.0.1; prints the URL to open.
// Options: --code-server (use code-server even when `code` exists), --port N (code-server port).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.join(root, 'sample-workspace');
const args = process.argv.slice(2);
const forceCodeServer = args.includes('--code-server');
const portArg = args.indexOf('--port');
const requestedPort = portArg >= 0 ? Number(args[portArg + 1]) : undefined;

function run(command, commandArgs, options = {}) {
  const result = spawnSync(command, commandArgs, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function hasDesktopCode() {
  const probe = spawnSync(process.platform === 'win32' ? 'code.cmd' : 'code', ['--version'], {
    stdio: 'ignore',
    shell: process.platform === 'win32',
  });
  return !probe.error && probe.status === 0;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

console.log('[start] building the extension…');
if (run(process.execPath, [path.join(root, 'esbuild.mjs')]) !== 0) {
  console.error('[start] the build failed; see the errors above.');
  process.exit(1);
}

if (!forceCodeServer && hasDesktopCode()) {
  console.log('[start] opening VS Code with the extension in development mode…');
  const child = spawn(
    process.platform === 'win32' ? 'code.cmd' : 'code',
    [`--extensionDevelopmentPath=${root}`, workspace],
    { stdio: 'inherit', detached: true, shell: process.platform === 'win32' },
  );
  child.unref();
  process.exit(0);
}

const entry = path.join(root, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
if (!existsSync(entry)) {
  console.log('[start] `code` is not on PATH: installing code-server (VS Code in the browser) once…');
  if (run('bash', [path.join(root, 'scripts', 'setup-vscode-test.sh')]) !== 0 || !existsSync(entry)) {
    console.error('[start] code-server could not be installed. Install VS Code and put `code` on PATH, or see the message above.');
    process.exit(1);
  }
}

const port = requestedPort && Number.isInteger(requestedPort) ? requestedPort : await freePort();
const dataDir = path.join(root, '.vscode-test', 'start');
const userDataDir = path.join(dataDir, 'user-data');
const extensionsDir = path.join(dataDir, 'extensions');
mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
mkdirSync(extensionsDir, { recursive: true });
writeFileSync(
  path.join(userDataDir, 'User', 'settings.json'),
  JSON.stringify(
    { 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off' },
    null,
    2,
  ),
);

const authority = `127.0.0.1:${port}`;
const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${root.split(path.sep).join('/')}`]];
const url = `http://${authority}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

const server = spawn(
  process.execPath,
  [
    entry,
    '--auth',
    'none',
    '--bind-addr',
    authority,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    workspace,
  ],
  { stdio: ['ignore', 'pipe', 'pipe'], cwd: root },
);

let announced = false;
const announce = () => {
  if (announced) return;
  announced = true;
  console.log('\n[start] VS Code (code-server) is running with the extension in development mode.');
  console.log(`[start] open this address in a browser:\n\n  ${url}\n`);
  console.log('[start] press Ctrl+C to stop.');
};
const watchOutput = (chunk) => {
  const text = chunk.toString();
  if (/HTTP server listening/i.test(text)) announce();
  if (/\berror\b/i.test(text) && !/open-vsx|gallery/i.test(text)) process.stderr.write(text);
};
server.stdout.on('data', watchOutput);
server.stderr.on('data', watchOutput);
server.on('exit', (code) => {
  console.log(`[start] code-server stopped (exit code ${code ?? 'none'}).`);
  process.exit(code ?? 0);
});
const stop = () => server.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
