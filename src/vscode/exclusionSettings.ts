// `pacer.completion.exclude`, read for each document's own scope. Every level adds patterns: the
// defaults (unless the user turned them off in their own settings), the user's list, the
// workspace's, the document's folder's in a multi-root workspace and the language-specific ones.
// A repository can so only exclude more, never unexclude a key file. Matchers are compiled once
// per scope (folder and language) and dropped when the settings change; a pattern that cannot be
// read excludes everything (the core matcher fails closed) and is named in a warning, once.
import * as vscode from 'vscode';
import { MutableDisposable, toDisposable } from '../core/common/lifecycle';
import { SettingsActions, unreadableExclusionNotice } from '../core/common/messages/settings';
import type { ExclusionMatcher } from '../core/completion/exclusions';
import { DEFAULT_EXCLUDE, createExclusionMatcher } from '../core/completion/exclusions';
import { promptPath } from '../core/completion/contextWindow';
import { notifyWithCommand } from './notifications';

interface Sink {
  warn(message: string): void;
}

const compiled = new Map<string, ExclusionMatcher>();
const warned = new Set<string>();
let log: Sink | undefined;
// Chat may ask before completion registers, so the listener starts on first use.
const listening = new MutableDisposable<vscode.Disposable>();

/** Sets where warnings about unreadable patterns are logged (besides the one-time notification). */
export function registerExclusionSettings(sink: Sink): vscode.Disposable {
  log = sink;
  return toDisposable(() => {
    listening.clear();
    compiled.clear();
    log = undefined;
  });
}

/** The exclusions that apply to a document, or to a file by its URI. */
export function exclusionsFor(scope: vscode.TextDocument | vscode.Uri | undefined): ExclusionMatcher {
  listening.value ??= vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('pacer.completion')) compiled.clear();
  });
  const uri = scope === undefined ? undefined : scope instanceof vscode.Uri ? scope : scope.uri;
  const languageId = scope !== undefined && !(scope instanceof vscode.Uri) ? scope.languageId : undefined;
  const folder = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
  const key = `${folder?.uri.toString() ?? ''}\u0001${languageId ?? ''}`;
  let matcher = compiled.get(key);
  if (!matcher) {
    const configScope = uri ? (languageId ? { uri, languageId } : uri) : undefined;
    matcher = createExclusionMatcher(readPatterns(configScope));
    compiled.set(key, matcher);
    for (const bad of matcher.invalid) warnOnce(bad.pattern, bad.reason);
  }
  return matcher;
}

/** The exclusions of an open document by its key (URI string), for the completion engine. */
export function exclusionsForKey(docKey: string): ExclusionMatcher {
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === docKey);
  return exclusionsFor(doc ?? vscode.Uri.parse(docKey));
}

/**
 * The path a document is matched by: workspace-relative inside a folder (so a workspace that
 * happens to live under `~/secrets/` is not excluded whole), absolute outside any folder (so
 * `**\/.ssh/**` catches `~/.ssh/config`).
 */
export function matchPath(uri: vscode.Uri): string {
  return uri.scheme === 'untitled' ? uri.path : vscode.workspace.asRelativePath(uri, false);
}

/** The path a provider may see: workspace-relative, or the file name alone outside the workspace. */
export function shownPath(uri: vscode.Uri): string {
  return promptPath(matchPath(uri));
}

/** The reason shown on a chat chip for an excluded file. */
export function exclusionReason(pattern: string): string {
  return `excluded by pacer.completion.exclude (pattern ${pattern})`;
}

function readPatterns(scope: vscode.ConfigurationScope | undefined): string[] {
  const c = vscode.workspace.getConfiguration('pacer', scope);
  const i = c.inspect<unknown>('completion.exclude');
  // Turning the defaults off is the user's decision alone: a workspace value is never read.
  const keepDefaults = c.inspect<unknown>('completion.excludeDefaults')?.globalValue !== false;
  const layers: unknown[] = [
    keepDefaults ? DEFAULT_EXCLUDE : [],
    i?.globalValue,
    i?.workspaceValue,
    i?.workspaceFolderValue,
    i?.globalLanguageValue,
    i?.workspaceLanguageValue,
    i?.workspaceFolderLanguageValue,
  ];
  const out: string[] = [];
  for (const layer of layers) {
    if (layer === undefined || layer === null) continue;
    if (!Array.isArray(layer)) {
      log?.warn(`pacer.completion.exclude: ignored a value that is not a list of patterns`);
      continue;
    }
    for (const p of layer) if (typeof p === 'string') out.push(p);
  }
  return out;
}

function warnOnce(pattern: string, reason: string): void {
  if (warned.has(pattern)) return;
  warned.add(pattern);
  const text = unreadableExclusionNotice(pattern, reason);
  log?.warn(text);
  notifyWithCommand(
    'warning',
    text,
    SettingsActions.openSettings,
    'workbench.action.openSettings',
    'pacer.completion.exclude',
  );
}
