/**
 * What a Lambda bundle gets instead of `@aws-lambda-powertools/tracer` unless the stack is synthesized
 * with `-c xrayTracing=true` (an esbuild alias in infra/rounds-function.ts): the same `Tracer` surface
 * this code uses, passing the SDK clients through. The X-Ray SDK it would bring is about 120 KiB of
 * every bundle and adds to its import time; Lambda's own active tracing still records each
 * invocation, only the per-call subsegments are left out.
 */
export class Tracer {
  captureAWSv3Client<T>(client: T): T {
    return client;
  }
}
