/** What the broker's `POST /publish/<address>` answers. */
export interface HttpPublishResult {
  status: number;
  id?: string;
  topic?: string;
  channel?: string;
  message?: string;
  valid?: boolean;
  disposition?: string;
  errors?: { part: string; instancePath: string; message: string }[];
  error?: string;
}

/**
 * Publishes one event through a broker's HTTP endpoint: string headers as HTTP headers and the payload as
 * the JSON body, as curl would; headers with other types (HTTP has only strings) go in an envelope body.
 */
export async function publishOverHttp(baseUrl: string, event: { topic: string; headers?: Record<string, unknown>; payload: unknown }, client = 'eventscope:vscode'): Promise<HttpPublishResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-eventscope-client': client };
  const eventHeaders = event.headers ?? {};
  const typed = Object.values(eventHeaders).some((value) => typeof value !== 'string');
  if (!typed) Object.assign(headers, eventHeaders);
  const body = typed ? { headers: eventHeaders, payload: event.payload ?? null } : (event.payload ?? null);
  const path = event.topic.split('/').map(encodeURIComponent).join('/');
  const response = await fetch(`${baseUrl}/publish/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const answer = (await response.json().catch(() => ({}))) as Omit<HttpPublishResult, 'status'>;
  return { status: response.status, ...answer };
}
