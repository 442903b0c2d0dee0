// "Insert" on a code block: replaces the selection (or inserts at the cursor) in the editor the
// user worked in last, then gives that editor the focus. With no editor open, the code opens in a
// new untitled document instead of being dropped.
import * as vscode from 'vscode';

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
  const ok = await shown.edit((b) => b.replace(shown.selection, code));
  if (!ok) throw new Error('The editor refused the edit (is it read-only?)');
  return 'inserted';
}
