/**
 * Test support of core, the lowest package: what every package's tests share (example rows, the
 * op-writing device, the simulated sync world, old row forms). Each package's test/support/index.ts
 * re-exports what its tests use from here beside its own.
 */
export * from './examples.js';
export * from './first-packed-form.js';
export * from './op-writer.js';
export * from './simulation.js';
