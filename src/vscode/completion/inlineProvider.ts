// The InlineCompletionItemProvider for every file: turns VS Code's request into an engine call
// and the engine's answer into ghost text. Each call's cancellation token drives an
// AbortController, so an edit cancels the wait and (unless the next keystroke adopts it) the HTTP
// request. Errors never surface here: the engine logs them and returns nothing.
import * as vscode from 'vscode';
import type { CompletionEngine } from '../../core/completion/completionEngine';
import type { CompletionSwitch } from '../../core/completion/completionSwitch';
import type { ContextDoc } from '../../core/completion/snippets';
import { matchPath } from '../exclusionSettings';
import type { Logger } from '../log';
import type { BenchTrace } from './benchMode';

// Schemes whose documents are the user's code. Output, SCM input, settings and the like are not.
const CODE_SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs', 'vscode-notebook-cell']);
const MAX_CONTEXT_EDITORS = 20;

export class PacerInlineProvider implements vscode.InlineCompletionItemProvider {
  constructor(
    private readonly engine: CompletionEngine,
    private readonly completionSwitch: CompletionSwitch,
    private readonly log: Logger,
    /** The typingEditor bench's timeline (benchMode.ts); undefined in normal use. */
    private readonly trace?: BenchTrace,
  ) {}

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    if (
      !this.completionSwitch.active ||
      !CODE_SCHEMES.has(document.uri.scheme) ||
      token.isCancellationRequested
    ) {
      return undefined;
    }
    this.trace?.({
      ev: 'called',
      version: document.version,
      trigger: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke ? 'invoke' : 'auto',
      offset: document.offsetAt(position),
    });
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      let text = document.getText();
      let offset = document.offsetAt(position);
      let range = new vscode.Range(position, position);
      let lead = '';
      const selected = context.selectedCompletionInfo;
      if (selected) {
        // With the suggest widget open, ghost text must extend its selected item: complete as if
        // the item were already inserted, and insert both.
        const start = document.offsetAt(selected.range.start);
        const end = document.offsetAt(selected.range.end);
        text = text.slice(0, start) + selected.text + text.slice(end);
        offset = start + selected.text.length;
        range = selected.range;
        lead = selected.text;
      }
      const out = await this.engine.provide(
        {
          docKey: document.uri.toString(),
          // Matched as is; the engine shows the provider the file name alone when it is absolute.
          path: matchPath(document.uri),
          languageId: document.languageId,
          text,
          offset,
          version: document.version,
          explicit: context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke,
          otherDocs: () => openEditorDocs(document),
        },
        controller.signal,
      );
      if (!out || token.isCancellationRequested) return undefined;
      this.trace?.({ ev: 'returned', version: document.version, source: out.source, text: out.text });
      return [new vscode.InlineCompletionItem(lead + out.text, range)];
    } catch (error) {
      // The engine does not throw; this guards the editor against a bug turning into a popup.
      this.log.warn(`inline completion failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    } finally {
      subscription.dispose();
    }
  }
}

/** Documents open in editor tabs, other than `current`; the engine drops excluded ones (by key). */
function openEditorDocs(current: vscode.TextDocument): ContextDoc[] {
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const out: ContextDoc[] = [];
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (!(tab.input instanceof vscode.TabInputText)) continue;
      const doc = open.get(tab.input.uri.toString());
      if (!doc || doc === current || !CODE_SCHEMES.has(doc.uri.scheme)) continue;
      out.push({
        key: doc.uri.toString(),
        path: matchPath(doc.uri),
        languageId: doc.languageId,
        text: doc.getText(),
      });
      if (out.length >= MAX_CONTEXT_EDITORS) return out;
    }
  }
  return out;
}
