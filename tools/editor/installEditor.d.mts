// Types for installEditor.mjs (plain JavaScript so it runs before `npm ci`).
export declare const CODE_SERVER_VERSION: string;
export declare const repoRoot: string;
export declare const editorCacheDir: string;
export declare const codeServerEntry: string;
export declare function chromiumPath(): string | undefined;
export declare function ensureEditor(): Promise<{ codeServerEntry: string; chromium: string; node: string }>;
