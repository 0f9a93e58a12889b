/**
 * Starts and stops code-server (VS Code's server build, installed by
 * scripts/setup-vscode-test.sh into .vscode-test/code-server) for the tests that need a real
 * VS Code. Each instance gets its own port on 127.0.0.1, user-data folder, extensions folder and a
 * temporary copy of a workspace folder; stop() kills the whole process group and removes them.
 * The extension under test is loaded in development mode through the workbench URL (see
 * workbenchUrl), the way desktop VS Code's --extensionDevelopmentPath does it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  type Dirent,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { settlesWithin, sleep } from './time';

/** The project's root folder (out/test/harness/ → three levels up). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CODE_SERVER_ENTRY = path.join(
  PROJECT_ROOT,
  '.vscode-test',
  'code-server',
  'node_modules',
  'code-server',
  'out',
  'node',
  'entry.js',
);
/** The workspace folder the tests copy by default (kept in the sources, not compiled). */
export const DEFAULT_WORKSPACE = path.join(PROJECT_ROOT, 'test', 'harness', 'workspace');
/** Screenshots, logs and other files kept for a failed test. */
export const ARTIFACTS_DIR = path.join(PROJECT_ROOT, 'out', 'test-artifacts');

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

/** Settings every test window needs: no trust dialog, no welcome page, nothing online. */
export const BASE_SETTINGS: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.commandCenter': false,
};

export interface CodeServerOptions {
  /** Folder copied to a temporary workspace (default: test/harness/workspace). */
  workspaceTemplate?: string;
  /** User settings on top of BASE_SETTINGS. */
  settings?: Record<string, unknown>;
  /**
   * Environment of code-server and so of the extension host. Variables set to `undefined` are
   * removed from the inherited environment (for example ANTHROPIC_API_KEY for demo runs).
   */
  env?: Record<string, string | undefined>;
  /** Name used for the log file under out/test-artifacts/. */
  name?: string;
  /**
   * A packaged extension (.vsix) to install and run instead of loading the sources in
   * development mode: the path a user takes.
   */
  vsix?: string;
}

export interface CodeServer {
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** The temporary copy of the workspace folder (deleted by stop()). */
  readonly workspaceDir: string;
  readonly userDataDir: string;
  /** Everything code-server printed so far. */
  output(): string;
  /**
   * URL of a workbench window on the workspace, with the extension under test loaded in
   * development mode; `extensionTestsPath` makes the window run a test suite instead.
   */
  workbenchUrl(options?: { extensionTestsPath?: string }): string;
  /** Replaces the user settings (the running window picks the change up). */
  writeSettings(settings: Record<string, unknown>): void;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
/** Temporary folders of instances not stopped yet (removed on exit as a last resort). */
const tempRoots = new Set<string>();
let exitHookInstalled = false;

/** Last resort when a test process ends without stop(): never leave a code-server behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
    for (const dir of tempRoots) rmSync(dir, { recursive: true, force: true });
  });
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      for (const child of running) killGroup(child, 'SIGKILL');
      process.exit(code);
    });
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Files under `roots` (recursively) whose content contains `needle`. */
export function filesContaining(roots: string[], needle: string): string[] {
  const found: string[] = [];
  const stack = [...roots];
  while (stack.length) {
    const current = stack.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) {
        try {
          if (statSync(full).size < 20_000_000 && readFileSync(full).includes(needle)) found.push(full);
        } catch {
          // Removed while scanning.
        }
      }
    }
  }
  return found;
}

export function codeServerInstalled(): boolean {
  return existsSync(CODE_SERVER_ENTRY);
}


export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  if (!codeServerInstalled()) {
    throw new Error(
      `code-server is not installed (${CODE_SERVER_ENTRY} is missing): run \`bash scripts/setup-vscode-test.sh\` first.`,
    );
  }
  installExitHook();
  const tempRoot = mkdtempSync(path.join(os.tmpdir(), 'sa-code-server-'));
  tempRoots.add(tempRoot);
  const userDataDir = path.join(tempRoot, 'user-data');
  const extensionsDir = path.join(tempRoot, 'extensions');
  const workspaceDir = path.join(tempRoot, 'workspace');
  const configFile = path.join(tempRoot, 'config.yaml');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  cpSync(options.workspaceTemplate ?? DEFAULT_WORKSPACE, workspaceDir, { recursive: true });
  writeFileSync(configFile, 'auth: none\ncert: false\n');
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  const writeSettings = (settings: Record<string, unknown>): void => {
    writeFileSync(settingsFile, JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
  };
  writeSettings(options.settings ?? {});

  const env: NodeJS.ProcessEnv = { ...process.env };
  // Settings of the test runner must not leak into the extension host.
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  delete env.VSCODE_IPC_HOOK_CLI;
  // Sockets and scratch files of code-server and its extension hosts go with the instance.
  env.TMPDIR = path.join(tempRoot, 'tmp');
  mkdirSync(env.TMPDIR, { recursive: true });
  env.XDG_CONFIG_HOME = path.join(tempRoot, 'xdg-config');
  env.XDG_DATA_HOME = path.join(tempRoot, 'xdg-data');
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  if (options.vsix) {
    const installed = spawnSync(
      process.execPath,
      [CODE_SERVER_ENTRY, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', options.vsix],
      { env, encoding: 'utf8', timeout: 120_000 },
    );
    if (installed.status !== 0) {
      rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
      tempRoots.delete(tempRoot);
      throw new Error(`code-server could not install ${options.vsix}:\n${installed.stdout}\n${installed.stderr}`);
    }
  }

  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const logName = `code-server-${(options.name ?? 'run').replace(/[^a-z0-9_-]+/gi, '-')}.log`;
  const logStream = createWriteStream(path.join(ARTIFACTS_DIR, logName));
  let output = '';

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        CODE_SERVER_ENTRY,
        '--config',
        configFile,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        extensionsDir,
        workspaceDir,
      ],
      { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    running.add(child);
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      logStream.write(text);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    let exited = false;
    const exitPromise = new Promise<void>((resolve) => {
      child.once('exit', () => {
        exited = true;
        running.delete(child);
        resolve();
      });
    });

    const origin = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      try {
        const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) });
        if (response.ok) {
          ready = true;
          break;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(250);
    }
    if (!ready) {
      killGroup(child, 'SIGKILL');
      await settlesWithin(exitPromise, STOP_TIMEOUT_MS);
      lastError = new Error(
        exited
          ? `code-server exited during start-up. Output:\n${output.slice(-4_000)}`
          : `code-server was not ready within ${READY_TIMEOUT_MS / 1000} s. Output:\n${output.slice(-4_000)}`,
      );
      if (/EADDRINUSE/.test(output)) continue;
      break;
    }

    const stop = async (): Promise<void> => {
      if (!exited) {
        killGroup(child, 'SIGTERM');
        await settlesWithin(exitPromise, STOP_TIMEOUT_MS);
        // The extension host and other children are in the same group: make sure they are gone.
        killGroup(child, 'SIGKILL');
        if (!exited) await settlesWithin(exitPromise, STOP_TIMEOUT_MS);
      } else {
        killGroup(child, 'SIGKILL');
      }
      running.delete(child);
      await new Promise<void>((resolve) => logStream.end(resolve));
      rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
      tempRoots.delete(tempRoot);
    };

    const remote = (p: string): string => `vscode-remote://127.0.0.1:${port}${p}`;
    return {
      port,
      origin,
      workspaceDir,
      userDataDir,
      output: () => output,
      workbenchUrl: ({ extensionTestsPath } = {}) => {
        // An installed .vsix runs as installed; otherwise the sources load in development mode.
        if (options.vsix && !extensionTestsPath) return `${origin}/?folder=${encodeURIComponent(workspaceDir)}`;
        const payload: [string, string][] = [['extensionDevelopmentPath', remote(PROJECT_ROOT)]];
        if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
        return `${origin}/?folder=${encodeURIComponent(workspaceDir)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
      },
      writeSettings,
      stop,
    };
  }
  logStream.end();
  rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
  tempRoots.delete(tempRoot);
  throw lastError ?? new Error('code-server did not start');
}
