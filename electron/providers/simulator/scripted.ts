// Turn a scripted response into what goes on the wire. Without an explicit body, a 200 is the provider's normal
// envelope (around the scripted reply, or the judged one), and an error status gets that provider's error body.
import type { WireFault } from './faults';
import { json, type Delivery } from './http';
import type { ScriptedResponse } from './types';

export interface ScriptEnvelope {
  /** The named faults of this provider, for the request's model. */
  fault(name: WireFault): Delivery;
  /** The normal 200 body; `reply` undefined means "the judged reply". */
  ok(reply: unknown, finishReason: string | undefined, blockReason?: string): Promise<Delivery>;
  error(status: number): unknown;
}

export async function scriptedDelivery(s: ScriptedResponse, env: ScriptEnvelope): Promise<Delivery> {
  const status = s.status ?? 200;
  let d: Delivery;
  if (s.fault !== undefined) {
    d = env.fault(s.fault);
  } else if (s.body !== undefined) {
    d = typeof s.body === 'string' ? { status, headers: { 'content-type': 'application/json' }, body: s.body } : json(status, s.body);
  } else if (s.malformed) {
    d = { status, headers: { 'content-type': 'application/json' }, body: '{"candidates":[{"content":{"parts":[{"text":"{\\"ali' };
  } else if (status === 200) {
    d = await env.ok(s.reply, s.finishReason, s.blockReason);
  } else {
    d = json(status, env.error(status));
  }
  return {
    ...d,
    headers: { ...d.headers, ...s.headers },
    ...(s.delayMs !== undefined && { delayMs: s.delayMs }),
    ...(s.stallMs !== undefined && { stallMs: s.stallMs }),
    ...(s.drop !== undefined && { drop: s.drop }),
  };
}

/** A scripted reply as the model's text: objects become JSON, strings stay as written (malformed on purpose). */
export function replyText(reply: unknown): string {
  return typeof reply === 'string' ? reply : JSON.stringify(reply);
}
