import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State } from 'vscode-languageclient/node';
import { discoverServer, onPythonInterpreterChange, ServerCommand, SERVER_SETTINGS_QUERY } from './discovery';

const NAME = 'SPMD Types';
const SECTION = 'spmdTypes';

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let stopping = false;
let starting: Promise<void> | undefined;
let extensionPath = '';

/** The `spmdTypes` settings as a plain JSON object: the same object the server gets from workspace/configuration. */
function settingsObject(resource?: vscode.Uri): Record<string, unknown> {
  const value = vscode.workspace.getConfiguration(undefined, resource).get(SECTION) ?? {};
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

function setStatus(state: 'starting' | 'ready' | 'failed' | 'stopped', detail: string): void {
  const icon = { starting: '$(loading~spin)', ready: '$(check)', failed: '$(error)', stopped: '$(circle-slash)' }[state];
  status.text = `${icon} SPMD`;
  const tip = new vscode.MarkdownString(`**${NAME}**: ${state}\n\n${detail}\n\nClick to show the output.`);
  status.tooltip = tip;
  status.backgroundColor = state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  status.accessibilityInformation = { label: `${NAME} ${state}: ${detail}` };
  status.show();
}

function firstResource(): vscode.Uri | undefined {
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === 'python') return editor.document.uri;
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

async function reportFailure(reason: string, install: string, setting: string): Promise<void> {
  setStatus('failed', `${reason}.\n\n${install}.`);
  output.error(`${reason}. ${install}.`);
  const openSetting = 'Open Setting';
  const showOutput = 'Show Output';
  const choice = await vscode.window.showErrorMessage(`${NAME}: ${reason}. ${install}.`, openSetting, showOutput);
  if (choice === openSetting) {
    await vscode.commands.executeCommand('workbench.action.openSettings', setting);
  } else if (choice === showOutput) {
    output.show(true);
  }
}

function createClient(server: ServerCommand): LanguageClient {
  const serverOptions: ServerOptions = {
    run: { command: server.command, args: server.args },
    debug: { command: server.command, args: server.args },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
    ],
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: { [SECTION]: settingsObject(firstResource()) },
    // Send workspace/didChangeConfiguration when spmdTypes.* changes; the server pulls the
    // values with workspace/configuration (section "spmdTypes").
    synchronize: { configurationSection: SECTION },
  };
  return new LanguageClient(SECTION, NAME, serverOptions, clientOptions);
}

async function start(): Promise<void> {
  setStatus('starting', 'Looking for a Python interpreter to run the spmd-lsp language server…');
  const found = await discoverServer(firstResource(), (m) => output.info(m), extensionPath);
  if (!found.ok) {
    await reportFailure(found.reason, found.install, found.setting);
    return;
  }
  const { server } = found;
  const commandLine = [server.command, ...server.args].join(' ');
  output.info(`starting ${commandLine} (from ${server.source})`);
  setStatus('starting', `\`${commandLine}\``);
  const c = createClient(server);
  client = c;
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      const info = c.initializeResult?.serverInfo;
      const version = info ? `${info.name}${info.version ? ' ' + info.version : ''}` : 'spmd-lsp';
      setStatus('ready', `${version}: \`${commandLine}\` (from ${server.source})`);
    } else if (e.newState === State.Stopped && !stopping && client === c) {
      setStatus('failed', `The server stopped: \`${commandLine}\`. See the output for details.`);
    }
  });
  try {
    await c.start();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (client === c) client = undefined;
    await reportFailure(`the server \`${commandLine}\` failed to start (${msg})`, 'See the output for details', SERVER_SETTINGS_QUERY);
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (!c) return;
  stopping = true;
  try {
    await c.stop(5000);
  } catch (e) {
    output.warn(`stopping the server: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    stopping = false;
  }
}

/** Serialise (re)starts so that quick settings changes cannot start two servers. */
function restart(): Promise<void> {
  const run = async () => {
    await stop();
    await start();
  };
  starting = (starting ?? Promise.resolve()).then(run, run);
  return starting;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel(NAME, { log: true });
  status = vscode.window.createStatusBarItem('spmdTypes.status', vscode.StatusBarAlignment.Right, 100);
  status.name = NAME;
  status.command = 'spmdTypes.showOutput';
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand('spmdTypes.restartServer', () => restart()),
    vscode.commands.registerCommand('spmdTypes.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('spmdTypes.server') || e.affectsConfiguration('spmdTypes.importStrategy')) {
        output.info('spmdTypes.server or spmdTypes.importStrategy changed: restarting the server');
        void restart();
      }
    }),
  );
  const sub = await onPythonInterpreterChange(() => {
    const cfg = vscode.workspace.getConfiguration(SECTION);
    if (!cfg.get('server.command') && !cfg.get('server.interpreter')) {
      output.info('the selected Python interpreter changed: restarting the server');
      void restart();
    }
  }, (m) => output.info(m));
  if (sub) context.subscriptions.push(sub);
  await restart();
}

export async function deactivate(): Promise<void> {
  await stop();
}
