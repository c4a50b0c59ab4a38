// The benchmark's instance generator (bench/generate.ts), for tests that want a season of a given size.
export { generateInstance, type InstanceSize, SIZES } from '../../bench/generate.ts';
