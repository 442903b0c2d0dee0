// DeepSeek-style error bodies. Messages follow the ones DeepSeek really sends, so client code that
// reads them (the 429's concurrency, the 401's masked key) is tested against realistic text.

export interface ErrorBody {
  error: { message: string; type: string; param: null; code: string };
}

export interface HttpError {
  status: number;
  body: ErrorBody;
}

function err(status: number, message: string, type: string, code = 'invalid_request_error'): HttpError {
  return { status, body: { error: { message, type, param: null, code } } };
}

/** The 429 DeepSeek sends when the account's concurrency is exhausted; N = requests in flight. */
export function rateLimited(concurrency: number): HttpError {
  return err(
    429,
    `Too many requests. Please pace your requests reasonably. Your current concurrency: ${concurrency}.`,
    'rate_limit_error',
    'rate_limit_exceeded',
  );
}

export function unauthorized(apiKey: string | undefined): HttpError {
  // Like DeepSeek: only the last 4 characters of the key, never the key itself.
  const masked = `****${(apiKey ?? '').slice(-4)}`;
  return err(401, `Authentication Fails, Your api key: ${masked} is invalid`, 'authentication_error');
}

export const insufficientBalance = (): HttpError => err(402, 'Insufficient Balance', 'unknown_error');

export const badRequest = (message = 'Invalid request body format.'): HttpError =>
  err(400, message, 'invalid_request_error');

export const unprocessable = (message = 'Invalid parameters in the request body.'): HttpError =>
  err(422, message, 'invalid_request_error');

export const serverError = (): HttpError =>
  err(
    500,
    'Server Error: the server encountered an issue, please retry after a brief wait.',
    'api_error',
    'server_error',
  );

export const overloaded = (): HttpError =>
  err(503, 'Server overloaded, please try again later.', 'service_unavailable_error', 'server_overloaded');

export const notFound = (path: string): HttpError =>
  err(404, `Not Found: ${path}`, 'invalid_request_error', 'not_found');

export const modelNotExist = (): HttpError => err(400, 'Model Not Exist', 'invalid_request_error');
