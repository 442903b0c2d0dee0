// The one logger shape for all of Pacer. Core code takes a `Logger` and asks for a `child(area)`
// per part, so a line in the log says which part spoke ("[router:deepseek] …"). The vscode layer
// implements it over a LogOutputChannel; tests and the bench use `silentLogger` or `consoleLogger`.
// Never pass API keys or prompt text at info level.

export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
  child(area: string): Logger;
}

const noop = () => {};

/** Says nothing: the default where a caller passes no logger. */
export const silentLogger: Logger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};

/** Writes to the console with an area tag (tools and debugging; the extension uses its channel). */
export function consoleLogger(area?: string): Logger {
  const tag = (m: string) => (area ? `[${area}] ${m}` : m);
  return {
    trace: noop,
    debug: noop,
    info: (m, ...a) => console.log(tag(m), ...a),
    warn: (m, ...a) => console.warn(tag(m), ...a),
    error: (m, ...a) => console.error(typeof m === 'string' ? tag(m) : m, ...a),
    child: (sub) => consoleLogger(area ? `${area}:${sub}` : sub),
  };
}
