// Routes the console's event WebSocket through Playwright, so a test can stop the server's messages reaching the
// page (a stalled engine, as the page sees it) and let them through again, with the real app on the other side.
import type { Page } from 'playwright';

export interface EventStreamGate {
  /** Drop server messages until open() (they are lost, as with a stalled engine, not queued). */
  hold(): void;
  open(): void;
}

/** Call before page.goto: only WebSockets opened after the route is set go through it. */
export async function gateEventStream(page: Page): Promise<EventStreamGate> {
  let held = false;
  await page.routeWebSocket(/\/api\/events$/, (ws) => {
    const server = ws.connectToServer();
    server.onMessage((message) => {
      if (!held) ws.send(message);
    });
  });
  return {
    hold: () => void (held = true),
    open: () => void (held = false),
  };
}
