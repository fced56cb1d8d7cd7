// Error bodies exactly as Massive answers them (polygon-massive.md, "Entitlement errors" and "429 body").

/** A REST answer: status, JSON body and extra headers. */
export interface RestAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Raw text body (a load balancer's HTML page) instead of JSON. */
  text?: { contentType: string; body: string };
}

/** Thrown by route code for a 4xx answer; the handler turns it into the documented body. */
export class RestError extends Error {
  override name = 'RestError';
  constructor(
    message: string,
    readonly answer: (requestId: string) => RestAnswer,
  ) {
    super(message);
  }
}

/** 400 for a bad parameter, in the `{status, request_id, error}` shape of the newer endpoints. */
export function badRequest(message: string): RestError {
  return new RestError(message, (request_id) => ({ status: 400, body: { status: 'ERROR', request_id, error: message } }));
}

/** 404 for an unknown ticker or id. */
export function notFound(message = 'Ticker not found.'): RestError {
  return new RestError(message, (request_id) => ({ status: 404, body: { status: 'NOT_FOUND', request_id, message } }));
}

/** 403 for data outside the plan. */
export function notEntitled(kind: 'product' | 'timeframe'): RestError {
  const message =
    kind === 'product'
      ? 'You are not entitled to this data. Please upgrade your plan at https://massive.com/pricing'
      : "Your plan doesn't include this data timeframe.";
  return new RestError(message, (request_id) => ({ status: 403, body: { status: 'NOT_AUTHORIZED', request_id, message } }));
}

/** 401 for a missing or unknown key. */
export function unauthorized(requestId: string, missing: boolean): RestAnswer {
  return { status: 401, body: { status: 'ERROR', request_id: requestId, error: missing ? 'API Key was not provided' : 'Unknown API Key' } };
}

/** 429 with Retry-After, as the free tier answers past 5 requests a minute. */
export function tooManyRequests(requestId: string, retryAfterSeconds: number): RestAnswer {
  return {
    status: 429,
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    body: {
      status: 'ERROR',
      request_id: requestId,
      error: "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue.",
    },
  };
}

/** The 5xx answers of an upstream outage, rotating 502 (a proxy's HTML page), 503 and 500. */
export function serverError(requestId: string, nth: number): RestAnswer {
  const which = nth % 3;
  if (which === 0) {
    return {
      status: 502,
      body: null,
      text: { contentType: 'text/html', body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n' },
    };
  }
  if (which === 1) {
    return { status: 503, headers: { 'Retry-After': '1' }, body: { status: 'ERROR', request_id: requestId, error: 'Service Unavailable' } };
  }
  return { status: 500, body: { status: 'ERROR', request_id: requestId, error: 'Internal Server Error' } };
}
