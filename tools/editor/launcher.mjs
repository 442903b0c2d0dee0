#!/usr/bin/env node
// The "VS Code executable" handed to @vscode/test-electron's runTests (vscodeExecutablePath).
// An executable file must start with plain Node, so this only loads tsx and the TypeScript launcher.
import { register } from 'tsx/esm/api';

register();
await import('./launcherMain');
