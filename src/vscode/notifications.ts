// Every popup Pacer shows goes through here, so they read and behave alike: never awaited on a
// hot path, never throwing, and an action button that runs a command says which one.
import * as vscode from 'vscode';

export type Severity = 'info' | 'warning' | 'error';

const SHOW: Record<Severity, (text: string, ...actions: string[]) => Thenable<string | undefined>> = {
  info: (text, ...actions) => vscode.window.showInformationMessage(text, ...actions),
  warning: (text, ...actions) => vscode.window.showWarningMessage(text, ...actions),
  error: (text, ...actions) => vscode.window.showErrorMessage(text, ...actions),
};

/** Shows `text` with optional action buttons; resolves to the chosen one (undefined when dismissed). */
export function notify<A extends string>(
  severity: Severity,
  text: string,
  ...actions: A[]
): Promise<A | undefined> {
  return Promise.resolve(SHOW[severity](text, ...actions)).then(
    (choice) => choice as A | undefined,
    () => undefined,
  );
}

/** Shows `text` with one button that runs `command` (with `args`) when chosen. */
export function notifyWithCommand(
  severity: Severity,
  text: string,
  action: string,
  command: string,
  ...args: unknown[]
): void {
  void notify(severity, text, action).then((choice) => {
    if (choice) void vscode.commands.executeCommand(command, ...args).then(undefined, () => undefined);
  });
}

/** A modal question with one action: true when the user chose it (never throws). */
export function confirm(question: string, action: string): Promise<boolean> {
  return Promise.resolve(vscode.window.showWarningMessage(question, { modal: true }, action)).then(
    (choice) => choice === action,
    () => false,
  );
}
