// Tokens and cost a run spent, summed from the usage each answer reports (OpenAI's usage field; `cost` where the
// endpoint reports one, as OpenRouter and LiteLLM do, in the endpoint's currency).

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Undefined when no answer reported a cost. */
  cost?: number;
  /** Answers received. */
  requests: number;
}

export const NO_USAGE: Readonly<Usage> = Object.freeze({ promptTokens: 0, completionTokens: 0, totalTokens: 0, requests: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  const cost = a.cost === undefined && b.cost === undefined ? undefined : (a.cost ?? 0) + (b.cost ?? 0);
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    ...(cost === undefined ? {} : { cost }),
    requests: a.requests + b.requests,
  };
}

/** "1,234 tokens (1,000 prompt + 234 completion), cost 0.0021, 3 requests" */
export function describeUsage(usage: Usage): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const cost = usage.cost === undefined ? '' : `, cost ${usage.cost.toFixed(4)}`;
  return `${n(usage.totalTokens)} tokens (${n(usage.promptTokens)} prompt + ${n(usage.completionTokens)} completion)${cost}, ${usage.requests} request${usage.requests === 1 ? '' : 's'}`;
}
