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
  // A multi-line block dropped in front of existing text would glue that text to its last line.
  const sel = shown.selection;
  const restOfLine = shown.document.lineAt(sel.end.line).text.slice(sel.end.character);
  const text = code.includes('\n') && !code.endsWith('\n') && restOfLine.trim() ? `${code}\n` : code;
  const ok = await shown.edit((b) => b.replace(sel, text));
  if (!ok) throw new Error('The editor refused the edit (is it read-only?)');
  return 'inserted';
}
