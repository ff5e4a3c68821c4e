// Test double of the Python extension's public API (ms-python.python), for the VS Code e2e test.
const vscode = require('vscode');

function activate() {
  const interpreter = () => vscode.workspace.getConfiguration('fakePython').get('interpreter') || '';
  const changed = new vscode.EventEmitter();
  return {
    environments: {
      getActiveEnvironmentPath: () => ({ id: interpreter(), path: interpreter() }),
      resolveEnvironment: async (env) => ({ executable: { uri: vscode.Uri.file(typeof env === 'string' ? env : env.path) } }),
      onDidChangeActiveEnvironmentPath: changed.event,
    },
    settings: {
      getExecutionDetails: () => ({ execCommand: [interpreter()] }),
    },
  };
}
module.exports = { activate, deactivate() {} };
