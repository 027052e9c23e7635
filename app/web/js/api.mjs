// The one way the screens reach the store: a JSON request to /api, which
// `iro app` (or a tablet's WebView host) hands to iro_app_call. Every
// operation: docs/app-api.md.

export class ApiError extends Error {
  constructor(httpStatus, message) {
    super(message);
    this.httpStatus = httpStatus;
  }
}

export async function call(op, parameters = {}, { keepalive = false } = {}) {
  let response;
  try {
    response = await fetch("/api", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ op, ...parameters }),
      credentials: "same-origin",
      keepalive,
    });
  } catch {
    throw new ApiError(0, "The app on this tablet is not running. Start it again.");
  }
  const reply = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, reply?.error?.message ?? `The app answered ${response.status}.`);
  }
  return reply;
}
