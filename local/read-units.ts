import { dynamodb } from '#commons/clients';
import { currentCaller } from './aws-rules/identity.ts';

/** The DynamoDB calls that read, by the SDK's command names (document and low-level clients). */
const READS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'BatchGetItemCommand',
  'GetCommand',
  'BatchGetCommand',
]);

export interface ReadCost {
  requests: number;
  readUnits: number;
}

/**
 * Counts the read requests and consumed read units of the functions' client, by function id (the
 * caller the HTTP adapter and the round runner set around a handler; `other` outside any function).
 * Install it on the runtime just booted (each boot makes a new client). For the read-cost tests and
 * the benchmarks: DynamoDB Local reports consumed capacity as DynamoDB does.
 */
export function countReadUnits(): Map<string, ReadCost> {
  const costs = new Map<string, ReadCost>();
  dynamodb().middlewareStack.add(
    (next, context) => async (args) => {
      if (!READS.has(context.commandName ?? '')) return next(args);
      const caller = currentCaller();
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
        CapacityUnits?: number;
      }[];
      const who = caller?.kind === 'function' ? caller.functionId : 'other';
      const cost = costs.get(who) ?? { requests: 0, readUnits: 0 };
      costs.set(who, {
        requests: cost.requests + 1,
        readUnits: cost.readUnits + list.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0),
      });
      return result;
    },
    { step: 'initialize', name: 'countReadUnits' },
  );
  return costs;
}
