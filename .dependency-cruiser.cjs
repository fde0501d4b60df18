/**
 * Architecture rules checked by `npm run lint` (dependency-cruiser; issue 15).
 *
 * Imports are resolved as TypeScript resolves them: `#libs/<name>` through tsconfig.json's paths
 * (libs/<name>/src/index.ts; package.json's "imports" map the same alias to dist/ for Node at run
 * time), and `./x.js` to the `./x.ts` source beside it (nodenext style). Without that resolution
 * every cross-lib import would be "unresolvable" and no rule below would ever fire.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-app-to-app',
      comment: 'An app talks to another app over RabbitMQ (libs/contracts), never by importing its code.',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-database-in-controllers',
      comment: 'Controllers parse and answer; data access lives in repositories and services.',
      severity: 'error',
      from: { path: '\\.controller\\.ts$' },
      to: { path: '(^|/)node_modules/(typeorm|pg|pg-query-stream)/' },
    },
    {
      name: 'no-persistence-values-in-controllers',
      comment:
        'A controller may name a persistence type (an enum of statuses), but entities, queryRows and DataSource ' +
        'are data access: they belong in repositories and services.',
      severity: 'error',
      from: { path: '\\.controller\\.ts$' },
      to: { path: '^libs/persistence/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-admin-to-voice',
      comment: 'The admin API manages data; it does not reach into the voice call flow of the gateway.',
      severity: 'error',
      from: { path: '^apps/gateway/src/admin/' },
      to: { path: '^apps/gateway/src/voice/' },
    },
    {
      name: 'no-lib-to-app',
      comment: 'Libraries are shared by the apps and know none of them.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'runtime-is-a-leaf',
      comment: 'libs/runtime (config, logger, metrics) is below every other lib and imports none of them.',
      severity: 'error',
      from: { path: '^libs/runtime/' },
      to: { path: '^libs/', pathNot: '^libs/runtime/' },
    },
    {
      name: 'client-is-standalone',
      comment:
        '@verigate/client is packed and installed on its own (npm pack): it imports nothing of the repository outside ' +
        'its folder (its wire types are generated into it from the OpenAPI document).',
      severity: 'error',
      from: { path: '^packages/client/' },
      to: { path: '^(apps|libs|test|scripts|types)/' },
    },
    {
      name: 'client-has-no-dependencies',
      comment:
        'Zero runtime dependencies: Node built-ins (node:crypto, global fetch) only. Tests may use dev packages.',
      severity: 'error',
      from: { path: '^packages/client/', pathNot: '\\.spec\\.ts$' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'],
      },
    },
    {
      name: 'no-circular',
      comment: 'Circular imports make module initialisation order-dependent (and are a design smell).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that cannot be resolved would silently escape every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/|^packages/[^/]+/dist/|^apps/gateway/public/' },
    // Type-only imports are still dependencies of the design (they fail to compile without the module).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
