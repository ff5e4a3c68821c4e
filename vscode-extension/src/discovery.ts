// How the extension finds the spmd-lsp language server, in the order Python users expect:
//   1. the settings spmdTypes.server.command / spmdTypes.server.interpreter,
//   2. the interpreter selected in the Python extension (ms-python.python), if it can import spmd_lsp,
//   3. `spmd-lsp` on PATH.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export interface ServerCommand {
  command: string;
  args: string[];
  /** Human-readable origin, e.g. "setting spmdTypes.server.command". */
  source: string;
}

export type Discovery =
  | { ok: true; server: ServerCommand; notes: string[] }
  /** setting: what the "Open Setting" button searches for in the Settings editor. */
  | { ok: false; reason: string; install: string; setting: string; notes: string[] };

/** Settings editor query showing spmdTypes.server.command and spmdTypes.server.interpreter. */
export const SERVER_SETTINGS_QUERY = '@ext:spmd-lsp.spmd-types server';

type Log = (msg: string) => void;

const IMPORT_TIMEOUT_MS = 20000;

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
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isFile(candidate)) return candidate;
    }
  }
  return undefined;
}

// `import spmd_lsp`, and check that `python -m spmd_lsp` can run (without running it).
const CHECK_SCRIPT = [
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

/** Can this interpreter run `python -m spmd_lsp`? Resolves to undefined when yes, else to a short reason. */
export function checkImport(python: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(python, ['-c', CHECK_SCRIPT], { timeout: IMPORT_TIMEOUT_MS, windowsHide: true }, (err, _out, stderr) => {
      if (!err) return resolve(undefined);
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return resolve(`${python} does not exist`);
      if (err.killed) return resolve(`\`${python} -c "import spmd_lsp"\` timed out`);
      const last = String(stderr).trim().split('\n').pop() ?? '';
      if (last.includes('ModuleNotFoundError')) return resolve(`spmd-lsp is not installed in ${python}`);
      if (last.includes('NoMain')) return resolve(`the spmd-lsp installed in ${python} cannot be run as \`python -m spmd_lsp\` (too old?)`);
      resolve(`${python} -c "import spmd_lsp" failed: ${last || err.message}`);
    });
  });
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

const INSTALL_HINT = 'pip install spmd-lsp';

export async function discoverServer(resource: vscode.Uri | undefined, log: Log): Promise<Discovery> {
  const cfg = vscode.workspace.getConfiguration('spmdTypes', resource);
  const notes: string[] = [];
  const note = (msg: string) => {
    notes.push(msg);
    log(msg);
  };

  // 1. explicit settings
  const command = cfg.get<string[] | null>('server.command');
  if (Array.isArray(command) && command.length > 0 && command[0]) {
    const exe = which(command[0]);
    if (!exe) {
      return {
        ok: false,
        reason: `spmdTypes.server.command: \`${command[0]}\` was not found`,
        install: 'Fix the setting spmdTypes.server.command',
        setting: 'spmdTypes.server.command',
        notes,
      };
    }
    return { ok: true, server: { command: exe, args: command.slice(1), source: 'setting spmdTypes.server.command' }, notes };
  }
  const interpreter = cfg.get<string | null>('server.interpreter');
  if (interpreter) {
    const why = await checkImport(interpreter);
    if (why) {
      return {
        ok: false,
        reason: `spmdTypes.server.interpreter: ${why}`,
        install: `Run \`${interpreter} -m ${INSTALL_HINT}\`, or fix the setting spmdTypes.server.interpreter`,
        setting: 'spmdTypes.server.interpreter',
        notes,
      };
    }
    return { ok: true, server: { command: interpreter, args: ['-m', 'spmd_lsp'], source: 'setting spmdTypes.server.interpreter' }, notes };
  }

  // 2. the Python extension's selected interpreter
  let selected: string | undefined;
  const api = await pythonExtensionApi(log);
  if (api) {
    selected = await selectedInterpreter(api, resource, log);
    if (selected) {
      const why = await checkImport(selected);
      if (!why) {
        return { ok: true, server: { command: selected, args: ['-m', 'spmd_lsp'], source: 'the interpreter selected in the Python extension' }, notes };
      }
      note(`selected Python interpreter: ${why}`);
    } else {
      note('the Python extension has no interpreter selected');
    }
  }

  // 3. spmd-lsp on PATH
  const onPath = which('spmd-lsp');
  if (onPath) {
    return { ok: true, server: { command: onPath, args: [], source: '`spmd-lsp` on PATH' }, notes };
  }
  note('`spmd-lsp` is not on PATH');
  return {
    ok: false,
    reason: 'the spmd-lsp language server was not found',
    install: selected
      ? `Install it into the selected Python environment (\`${selected} -m ${INSTALL_HINT}\`), or set spmdTypes.server.command`
      : `Install it into your Python environment (\`${INSTALL_HINT}\`), or set spmdTypes.server.command`,
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
