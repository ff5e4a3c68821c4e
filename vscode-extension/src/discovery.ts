// How the extension finds a server to run. The extension carries spmd-lsp and its pure-Python
// dependencies under bundled/libs and starts them with a Python interpreter of the user's, through
// bundled/tool/launch.py (the way Microsoft's Python tool extensions ship black or isort):
//   1. the setting spmdTypes.server.command, when set: run exactly that;
//   2. a Python interpreter: the setting spmdTypes.server.interpreter when set (and only it), else the
//      interpreter selected in the Python extension (ms-python.python), else python3 / python on PATH.
//      With spmdTypes.importStrategy "useBundled" (the default) it runs the bundled server; with
//      "fromEnvironment" it runs `python -m spmd_lsp` when that interpreter has spmd-lsp installed,
//      else `spmd-lsp` on PATH, else the bundled server;
//   3. `spmd-lsp` on PATH.
// When nothing works, the failure names every interpreter tried, why it did not do, and the PATH searched.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface ServerCommand {
  command: string;
  args: string[];
  /** Human-readable origin, e.g. "the bundled spmd-lsp 0.1.0 run by the interpreter selected in the Python extension". */
  source: string;
}

export type Discovery =
  | { ok: true; server: ServerCommand; notes: string[] }
  /** setting: what the "Open Setting" button searches for in the Settings editor. */
  | { ok: false; reason: string; install: string; setting: string; notes: string[] };

/** Settings editor query showing spmdTypes.server.command and spmdTypes.server.interpreter. */
export const SERVER_SETTINGS_QUERY = '@ext:spmd-lsp.spmd-types server';
export const MINIMUM_PYTHON = '3.11';

type Log = (msg: string) => void;

const PROBE_TIMEOUT_MS = 20000;

/** Find `name` the way a shell would (absolute/relative path, or a PATH search). */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const isWin = process.platform === 'win32';
  const exts = isWin ? (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').concat(['']) : [''];
  const isFile = (p: string) => {
    try {
      const st = fs.statSync(p);
      if (!st.isFile()) return false;
      if (!isWin) fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (name.includes('/') || (isWin && name.includes('\\'))) {
    for (const ext of exts) if (isFile(name + ext)) return path.resolve(name + ext);
    return undefined;
  }
  for (const dir of searchPath(env)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

function searchPath(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((d) => d);
}

function lastLine(text: string): string {
  return String(text).trim().split('\n').pop()?.trim() ?? '';
}

/** Run `python args` and resolve to [stdout, undefined] on success or [undefined, why] on failure. */
function run(python: string, args: string[]): Promise<[string | undefined, string | undefined]> {
  return new Promise((resolve) => {
    execFile(python, args, { timeout: PROBE_TIMEOUT_MS, windowsHide: true }, (err, stdout, stderr) => {
      if (!err) return resolve([String(stdout), undefined]);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return resolve([undefined, 'does not exist']);
      if (code === 'EACCES') return resolve([undefined, 'is not executable']);
      if (err.killed) return resolve([undefined, `did not answer within ${PROBE_TIMEOUT_MS / 1000} s`]);
      const last = lastLine(String(stderr));
      if ((err as { code?: unknown }).code === 3 && last.includes('needs Python')) {
        const version = /is Python (\S+)/.exec(last)?.[1];
        return resolve([undefined, `is Python ${version ?? '(too old)'}; the server needs Python ${MINIMUM_PYTHON} or newer`]);
      }
      resolve([undefined, `failed: ${last || err.message}`]);
    });
  });
}

/** The bundled server: bundled/tool/launch.py, when this build of the extension has bundled/libs. */
export function bundledLauncher(extensionPath: string): string | undefined {
  const launcher = path.join(extensionPath, 'bundled', 'tool', 'launch.py');
  const libs = path.join(extensionPath, 'bundled', 'libs', 'spmd_lsp');
  return fs.existsSync(launcher) && fs.existsSync(libs) ? launcher : undefined;
}

/** Can this interpreter run the bundled server? Resolves to its version, or to why not. */
export async function probeBundled(python: string, launcher: string): Promise<{ version?: string; why?: string }> {
  const [out, why] = await run(python, [launcher, '--probe']);
  if (why) return { why };
  try {
    const info = JSON.parse(lastLine(out ?? '')) as { python?: string; spmd_lsp?: string };
    return { version: `spmd-lsp ${info.spmd_lsp ?? '?'} on Python ${info.python ?? '?'}` };
  } catch {
    return { why: `gave an unexpected answer to the probe: ${lastLine(out ?? '')}` };
  }
}

// `import spmd_lsp`, and check that `python -m spmd_lsp` can run (without running it).
const IMPORT_SCRIPT = [
  'import importlib.util, sys',
  'try:',
  '    import spmd_lsp',
  'except ImportError as e:',
  '    print("ModuleNotFoundError" if isinstance(e, ModuleNotFoundError) and e.name == "spmd_lsp" else repr(e), file=sys.stderr)',
  '    sys.exit(1)',
  'if importlib.util.find_spec("spmd_lsp.__main__") is None:',
  '    print("NoMain", file=sys.stderr)',
  '    sys.exit(2)',
].join('\n');

/** Can this interpreter run an installed `python -m spmd_lsp`? Resolves to undefined when yes, else to why not. */
export async function checkImport(python: string): Promise<string | undefined> {
  const [, why] = await run(python, ['-c', IMPORT_SCRIPT]);
  if (!why) return undefined;
  if (why.includes('ModuleNotFoundError')) return 'has no spmd-lsp installed';
  if (why.includes('NoMain')) return 'has an spmd-lsp that cannot run as `python -m spmd_lsp` (too old?)';
  return why;
}

interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
  resolveEnvironment?(env: { id: string; path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}
interface PythonSettingsApi {
  getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined };
  onDidChangeExecutionDetails?: vscode.Event<unknown>;
}
export interface PythonExtensionApi {
  environments?: PythonEnvironmentsApi;
  settings?: PythonSettingsApi;
}

/** The Python extension's public API, or undefined when it is not installed or fails to activate. */
export async function pythonExtensionApi(log: Log): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    return ext.isActive ? ext.exports : await ext.activate();
  } catch (e) {
    log(`the Python extension failed to activate: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** The interpreter selected in the Python extension for `resource`, guarded against API differences. */
export async function selectedInterpreter(api: PythonExtensionApi, resource: vscode.Uri | undefined, log: Log): Promise<string | undefined> {
  try {
    const envs = api.environments;
    if (envs && typeof envs.getActiveEnvironmentPath === 'function') {
      const envPath = envs.getActiveEnvironmentPath(resource);
      if (envPath && typeof envs.resolveEnvironment === 'function') {
        const resolved = await envs.resolveEnvironment(envPath);
        const exe = resolved?.executable?.uri?.fsPath;
        if (exe) return exe;
      }
      if (envPath?.path) return envPath.path;
    }
  } catch (e) {
    log(`Python extension environments API failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const cmd = api.settings?.getExecutionDetails?.(resource)?.execCommand;
    if (cmd && cmd.length > 0 && cmd[0]) return cmd[0];
  } catch (e) {
    log(`Python extension settings API failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return undefined;
}

interface Candidate {
  python: string;
  /** e.g. "the interpreter selected in the Python extension" */
  origin: string;
}

/** How a search went, for the failure message: "python3 on PATH (/usr/bin/python3): is Python 3.9.2; ...". */
class Trail {
  readonly tried: string[] = [];
  constructor(private readonly log: Log) {}
  add(what: string, why: string): void {
    const line = `${what} ${why}`;
    this.tried.push(line);
    this.log(line);
  }
}

export async function discoverServer(resource: vscode.Uri | undefined, log: Log, extensionPath: string): Promise<Discovery> {
  const cfg = vscode.workspace.getConfiguration('spmdTypes', resource);
  const notes: string[] = [];
  const trail = new Trail((m) => {
    notes.push(m);
    log(m);
  });
  const launcher = bundledLauncher(extensionPath);
  const strategy = cfg.get<string>('importStrategy') === 'fromEnvironment' ? 'fromEnvironment' : 'useBundled';

  // 1. an explicit command
  const command = cfg.get<string[] | null>('server.command');
  if (Array.isArray(command) && command.length > 0 && command[0]) {
    const exe = which(command[0]);
    if (!exe) {
      return {
        ok: false,
        reason: `the setting spmdTypes.server.command names \`${command[0]}\`, which was not found` +
          (command[0].includes('/') ? '' : ` on PATH (${searchPath().join(path.delimiter)})`),
        install: 'Fix the setting spmdTypes.server.command, or clear it to use the bundled server',
        setting: 'spmdTypes.server.command',
        notes,
      };
    }
    return { ok: true, server: { command: exe, args: command.slice(1), source: 'setting spmdTypes.server.command' }, notes };
  }

  // 2. interpreters
  const candidates: Candidate[] = [];
  const explicit = cfg.get<string | null>('server.interpreter');
  if (explicit) {
    candidates.push({ python: explicit, origin: 'the setting spmdTypes.server.interpreter' });
  } else {
    const api = await pythonExtensionApi(log);
    if (api) {
      const selected = await selectedInterpreter(api, resource, log);
      if (selected) candidates.push({ python: selected, origin: 'the interpreter selected in the Python extension' });
      else trail.add('the Python extension', 'has no interpreter selected');
    } else {
      trail.add('the Python extension (ms-python.python)', 'is not installed');
    }
    const seen = new Set(candidates.map((c) => c.python));
    for (const name of process.platform === 'win32' ? ['python', 'py'] : ['python3', 'python']) {
      const found = which(name);
      if (!found) {
        trail.add(`\`${name}\` on PATH`, 'was not found');
        continue;
      }
      if (!seen.has(found)) candidates.push({ python: found, origin: `\`${name}\` on PATH` });
      seen.add(found);
    }
  }

  const useEnvironment = async (c: Candidate): Promise<ServerCommand | undefined> => {
    const why = await checkImport(c.python);
    if (!why) return { command: c.python, args: ['-m', 'spmd_lsp'], source: `the spmd-lsp installed in ${c.origin} (${c.python})` };
    trail.add(`${c.origin} (${c.python})`, why);
    return undefined;
  };
  const useBundled = async (c: Candidate): Promise<ServerCommand | undefined> => {
    if (!launcher) return undefined;
    const probe = await probeBundled(c.python, launcher);
    if (probe.version) {
      return { command: c.python, args: [launcher], source: `the bundled ${probe.version}, run by ${c.origin} (${c.python})` };
    }
    trail.add(`${c.origin} (${c.python})`, probe.why ?? 'cannot run the bundled server');
    return undefined;
  };
  const onPath = (): ServerCommand | undefined => {
    const exe = which('spmd-lsp');
    if (exe) return { command: exe, args: [], source: '`spmd-lsp` on PATH' };
    trail.add('`spmd-lsp` on PATH', 'was not found');
    return undefined;
  };

  if (!launcher) trail.add('the bundled server', 'is missing from this build of the extension (bundled/libs)');
  if (strategy === 'fromEnvironment') {
    for (const c of candidates) {
      const server = await useEnvironment(c);
      if (server) return { ok: true, server, notes };
    }
    const found = onPath();
    if (found) return { ok: true, server: found, notes };
    if (launcher) trail.add('spmdTypes.importStrategy is fromEnvironment', 'and no environment has spmd-lsp: trying the bundled server');
  }
  for (const c of candidates) {
    const server = await useBundled(c);
    if (server) return { ok: true, server, notes };
  }
  if (explicit) {
    return {
      ok: false,
      reason: trail.tried.join('; '),
      install: `Point spmdTypes.server.interpreter at a Python ${MINIMUM_PYTHON} or newer, or clear it to use the interpreter selected in the Python extension or on PATH`,
      setting: 'spmdTypes.server.interpreter',
      notes,
    };
  }
  if (strategy === 'useBundled') {
    const found = onPath();
    if (found) return { ok: true, server: found, notes };
  }
  return {
    ok: false,
    reason: `no Python ${MINIMUM_PYTHON} or newer could run the language server. Tried: ${trail.tried.join('; ')}. ` +
      `PATH searched: ${searchPath().join(path.delimiter) || '(empty)'}`,
    install: `Select a Python ${MINIMUM_PYTHON}+ interpreter (Python: Select Interpreter), or set spmdTypes.server.interpreter, ` +
      'or install spmd-lsp (pipx install spmd_lsp-*.whl) and set spmdTypes.server.command',
    setting: SERVER_SETTINGS_QUERY,
    notes,
  };
}

/** Subscribe to interpreter changes in the Python extension (if installed). */
export async function onPythonInterpreterChange(listener: () => void, log: Log): Promise<vscode.Disposable | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>('ms-python.python');
  if (!ext) return undefined;
  const api = await pythonExtensionApi(log);
  try {
    const event = api?.environments?.onDidChangeActiveEnvironmentPath ?? api?.settings?.onDidChangeExecutionDetails;
    return event ? event(() => listener()) : undefined;
  } catch {
    return undefined;
  }
}
