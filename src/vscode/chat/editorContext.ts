// The context chips: the active file and, when there is one, the selection in it. The user can
// remove either chip (it stays removed until the editor or selection changes, or they add it
// back). Files matching `pacer.completion.exclude` never become context: their chip shows, off,
// with the pattern that keeps it out, and nothing of the file is read.
import * as vscode from 'vscode';
import type { ContextKind, ContextRef } from '../../core/common/chatProtocol';
import type { ContextItem } from '../../core/chat/conversation';
import type { ChatContextSource } from '../../core/chat/chatSessionOptions';
import { Disposable, toDisposable } from '../../core/common/lifecycle';
import { exclusionReason, exclusionsFor, matchPath, shownPath } from '../exclusionSettings';

/** Longest text one chip sends (about 25k tokens): a huge file must not eat the whole budget. */
export const MAX_CONTEXT_CHARS = 100_000;

// Not `vscode-userdata`: the user's settings.json often holds other extensions' tokens.
const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs']);

// Chip ids travel to the webview: a short hash instead of a long path.
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

interface Chip {
  ref: ContextRef;
  read(): ContextItem;
}

export class EditorContext extends Disposable implements ChatContextSource {
  private editor: vscode.TextEditor | undefined;
  private readonly removed = new Set<string>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.track(vscode.window.activeTextEditor);
    this._register(toDisposable(() => clearTimeout(this.timer)));
    for (const d of [
      vscode.window.onDidChangeActiveTextEditor((e) => {
        // Focus moving to the chat view leaves the last text editor as the one the chips describe.
        if (e && this.track(e)) this.fireSoon();
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === this.editor || this.track(e.textEditor)) this.fireSoon();
      }),
      // An exclusion set while the file is open turns its chip off at once (and back on).
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('pacer.completion')) this.fireSoon();
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc === this.editor?.document) {
          this.editor = undefined;
          this.fireSoon();
        }
      }),
    ])
      this._register(d);
  }

  /** The text editor the user worked in last (where Insert puts code). */
  lastEditor(): vscode.TextEditor | undefined {
    return this.editor;
  }

  chips(): ContextRef[] {
    const off = this.excludedChip();
    if (off) return [off];
    return this.current()
      .filter((c) => !this.removed.has(c.ref.id))
      .map((c) => c.ref);
  }

  addable(): ContextKind[] {
    return this.current()
      .filter((c) => this.removed.has(c.ref.id))
      .map((c) => c.ref.kind);
  }

  async snapshot(): Promise<ContextItem[]> {
    return this.current()
      .filter((c) => !this.removed.has(c.ref.id))
      .map((c) => c.read());
  }

  /** The pattern that keeps `doc` out of every prompt, if one does (for the chip and for callers). */
  exclusionOf(doc: vscode.TextDocument): string | undefined {
    // The same matcher as completion, so a pattern that keeps a file out of completions keeps it out of chat.
    return exclusionsFor(doc).matchOf(matchPath(doc.uri));
  }

  remove(id: string): void {
    this.removed.add(id);
    this.changed.fire();
  }

  add(kind: ContextKind): void {
    for (const c of this.current()) if (c.ref.kind === kind) this.removed.delete(c.ref.id);
    this.changed.fire();
  }

  private track(editor: vscode.TextEditor | undefined): boolean {
    if (!editor || !SCHEMES.has(editor.document.uri.scheme)) return false;
    this.editor = editor;
    return true;
  }

  private fireSoon(): void {
    // Selection events come per keystroke and drag; the chips only need to be right when looked at.
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire();
    }, 150);
  }

  /** A chip that cannot be sent: the active file is excluded. Its content is never read. */
  private excludedChip(): ContextRef | undefined {
    const doc = this.editor?.document;
    if (!doc || doc.isClosed) return undefined;
    const pattern = this.exclusionOf(doc);
    if (pattern === undefined) return undefined;
    const path = shownPath(doc.uri);
    const label = path.split('/').pop() || path;
    return {
      id: `off-${hash(doc.uri.toString())}`,
      kind: 'file',
      label,
      detail: path,
      excluded: exclusionReason(pattern),
    };
  }

  private current(): Chip[] {
    const editor = this.editor;
    if (!editor || editor.document.isClosed || this.exclusionOf(editor.document) !== undefined) return [];
    const doc = editor.document;
    // Workspace-relative, or the file name alone outside the workspace (never the user's home).
    const path = shownPath(doc.uri);
    const name = path.split(/[\\/]/).pop() || path;
    const key = doc.uri.toString();
    const cut = (text: string) =>
      text.length > MAX_CONTEXT_CHARS
        ? { text: text.slice(0, MAX_CONTEXT_CHARS), truncated: true }
        : { text, truncated: false };
    const chips: Chip[] = [
      {
        ref: { id: `file-${hash(key)}`, kind: 'file', label: name, detail: path },
        read: () => {
          const { text, truncated } = cut(doc.getText());
          const item: ContextItem = {
            id: `file-${hash(key)}`,
            kind: 'file',
            label: name,
            detail: path,
            path,
            language: doc.languageId,
            text,
          };
          if (truncated) item.truncated = true;
          return item;
        },
      },
    ];
    const sel = editor.selection;
    if (!sel.isEmpty) {
      const start = sel.start.line + 1;
      // A selection ending at column 0 of a line does not include that line.
      const end = sel.end.character === 0 && sel.end.line > sel.start.line ? sel.end.line : sel.end.line + 1;
      const id = `sel-${hash(`${key}#${sel.start.line}:${sel.start.character}-${sel.end.line}:${sel.end.character}`)}`;
      const label = start === end ? `${name}:${start}` : `${name}:${start}-${end}`;
      chips.unshift({
        ref: { id, kind: 'selection', label, detail: `${path}, lines ${start}-${end}` },
        read: () => {
          const { text, truncated } = cut(doc.getText(sel));
          const item: ContextItem = {
            id,
            kind: 'selection',
            label,
            detail: `${path}, lines ${start}-${end}`,
            path,
            language: doc.languageId,
            text,
            startLine: start,
            endLine: end,
          };
          if (truncated) item.truncated = true;
          return item;
        },
      });
    }
    return chips;
  }
}
