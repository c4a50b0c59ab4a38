/**
 * Configuration is read on first use and remembered (a Lambda reads its environment once), and fails
 * fast naming the variable. Reading lazily lets tests and the embedded runtime import modules plainly.
 */
export function memoized<T>(read: () => T): (() => T) & { reset(): void } {
  let cached: { value: T } | undefined;
  const get = () => {
    cached ??= { value: read() };
    return cached.value;
  };
  return Object.assign(get, {
    reset: () => {
      cached = undefined;
    },
  });
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`环境变量 ${name} 未设置 / environment variable ${name} is not set`);
  return value;
}

export function optionalIntEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(
      `环境变量 ${name} 须为正整数，收到 "${raw}" / environment variable ${name} must be a positive integer, got "${raw}"`,
    );
  return value;
}
