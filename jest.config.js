import { createDefaultEsmPreset } from 'ts-jest';

const esm = createDefaultEsmPreset({ tsconfig: 'tsconfig.json' });
const shared = {
  ...esm,
  testEnvironment: 'node',
  moduleNameMapper: {
    '^#libs/(.*)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

/**
 * Three tiers: unit (pure logic, no I/O), e2e (real PostgreSQL + RabbitMQ) and faults (the apps as
 * processes while this machine's PostgreSQL and RabbitMQ are restarted; `npm run test:faults` only).
 */
export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,packages}/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e.test.ts'] },
    { ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.faults.test.ts'] },
  ],
  // A per-project testTimeout is ignored by Jest; e2e tests poll with expectEventually (15 s).
  testTimeout: 60_000,
  // Built packages (packages/*/dist) hold no tests; their sources are matched above.
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
