// "Insert" on a code block: replaces the selection (or puts the block on a line of its own, see
// insertionPlan.ts) in the editor the user worked in last, then gives that editor the focus. With no editor open, the code opens in a
// new untitled document instead of being dropped.
import * as vscode from 'vscode';
import { planInsertion } from '../../core/chat/insertionPlan';

export async function insertCode(
  editor: vscode.TextEditor | undefined,
  code: string,
  language?: string,
): Promise<'inserted' | 'opened'> {
  if (!editor || editor.document.isClosed) {
    const doc = await vscode.workspace.openTextDocument({ content: code, ...(language ? { language } : {}) });
    await vscode.window.showTextDocument(doc);
    return 'opened';
  }
  const shown = await vscode.window.showTextDocument(editor.document, {
    viewColumn: editor.viewColumn,
    selection: editor.selection,
    preserveFocus: false,
  });
  // On a line of its own (or over the selection), indented like the code it joins.
  const sel = shown.selection;
  const plan = planInsertion(code, {
    start: sel.start,
    end: sel.end,
    lineText: (line) => shown.document.lineAt(line).text,
  });
  const range = new vscode.Range(plan.start.line, plan.start.character, plan.end.line, plan.end.character);
  const ok = await shown.edit((b) => b.replace(range, plan.text));
  if (!ok) throw new Error('The editor refused the edit (is it read-only?)');
  return 'inserted';
}
