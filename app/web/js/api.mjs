// The one way the screens reach the store: a JSON request to /api, which
// `iro app` (or a tablet's WebView host) hands to iro_app_call. Every
// operation: docs/app-api.md.

export class ApiError extends Error {
  // `status`: the store's iro_status_t (docs/app-api.md); `locked`: the app
  // is locked and wants the IRO's passphrase.
  constructor(httpStatus, message, { status = null, locked = false } = {}) {
    super(message);
    this.httpStatus = httpStatus;
    this.status = status;
    this.locked = locked;
  }
}

// iro_status_t values the screens act on.
export const Status = { wrongKey: 10, leaseExpired: 13, notAllowed: 14 };

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
    const error = new ApiError(response.status, reply?.error?.message ?? `The app answered ${response.status}.`, {
      status: reply?.error?.status ?? null,
      locked: reply?.error?.locked === true,
    });
    // Whichever screen asked, a lock (idle, or on another tab) shows the
    // unlock screen.
    if (error.locked && op !== "app.unlock") window.dispatchEvent(new CustomEvent("iro:locked"));
    throw error;
  }
  return reply;
}
