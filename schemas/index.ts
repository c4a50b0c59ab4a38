export * from './catalog.ts';
export * from './data-dir.ts';
export * from './need.ts';
export * from './plan.ts';
export * from './primitives.ts';
export * from './round.ts';
export * from './round-io.ts';
