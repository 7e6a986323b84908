// A minimal LLM request whose reply schema any simulated provider can satisfy: for benchmarks and fault tests
// that exercise the transport and the engine, not the prompts.
import type { CallKind, LlmRequest } from '../../shared/provider';

export function plainRequest(kind: CallKind): LlmRequest {
  return {
    kind,
    system: 'You judge event submissions.',
    prompt: `Judge this ${kind}.`,
    schema: { type: 'object', properties: { verdict: { type: 'string' } }, required: ['verdict'] },
    maxOutputTokens: 200,
  };
}
