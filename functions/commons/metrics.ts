/**
 * The product's own CloudWatch metrics, written as CloudWatch embedded metric format (EMF): one JSON
 * line on stdout, which Lambda's log delivery turns into metrics. No API call and no
 * cloudwatch:PutMetricData permission; the line stays in the function's log as the record.
 * The alarms and the dashboard on these metrics are in infra/operations.ts.
 */

/** The namespace of every metric the functions emit. */
export const METRICS_NAMESPACE = 'MountainRounds';

/** The one dimension: the emitting function's name, unique per stack (two stacks in one account stay apart). */
export const METRICS_DIMENSION = 'FunctionName';

/** What the functions count, by metric name. */
export const METRIC = {
  /** Outbox messages sent in a run of DispatchOutbox. */
  messagesSent: 'OutboxMessagesSent',
  /** Outbox messages given up on (no tries left, or refused by the medium) in a run of DispatchOutbox. */
  messagesFailed: 'OutboxMessagesFailed',
  /** Outbox messages put back for a later try in a run of DispatchOutbox. */
  messagesRetrying: 'OutboxMessagesRetrying',
  /** Offers the round still waits on when its offer phase (re)starts (ListPendingOffers). */
  offersWaiting: 'OffersWaiting',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** One EMF document: the values at root, their definition under `_aws`. */
export function metricsDocument(
  values: Partial<Record<MetricName, number>>,
  functionName: string,
  at: Date,
): Record<string, unknown> {
  const names = Object.keys(values) as MetricName[];
  return {
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [[METRICS_DIMENSION]],
          Metrics: names.map((name) => ({ Name: name, Unit: 'Count' })),
        },
      ],
    },
    [METRICS_DIMENSION]: functionName,
    ...values,
  };
}

/**
 * Writes the values as one EMF line, in Lambda only (`AWS_LAMBDA_FUNCTION_NAME` set): on one
 * machine (`npm start`) nothing reads it. Straight to stdout, past any console wrapping.
 */
export function emitMetrics(
  values: Partial<Record<MetricName, number>>,
  at: Date = new Date(),
  functionName: string | undefined = process.env.AWS_LAMBDA_FUNCTION_NAME,
): void {
  if (!functionName || Object.keys(values).length === 0) return;
  process.stdout.write(`${JSON.stringify(metricsDocument(values, functionName, at))}\n`);
}
