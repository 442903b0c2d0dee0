// A server that answers every FIM request at once with the same tiny body: what is left of a
// request's time is the client's own work, which is what the overhead section compares.
import http from 'node:http';

export interface InstantServer {
  url: string;
  close(): Promise<void>;
}

const BODY = JSON.stringify({
  id: 'cmpl-instant',
  object: 'text_completion',
  created: 0,
  model: 'deepseek-flash',
  choices: [{ index: 0, text: 'a + b;', finish_reason: 'stop', logprobs: null }],
  usage: {
    prompt_tokens: 9,
    completion_tokens: 4,
    total_tokens: 13,
    prompt_cache_hit_tokens: 0,
    prompt_cache_miss_tokens: 9,
  },
});

export function startInstantServer(): Promise<InstantServer> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
      res.end(BODY);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
