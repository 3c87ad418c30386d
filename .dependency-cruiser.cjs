/** Module boundaries of style.md "Boundaries", checked in CI (`npm run lint:boundaries`). */
module.exports = {
  forbidden: [
    {
      name: 'embedded-esdb-stands-alone',
      comment: 'The embedded event store ships on its own: it imports nothing else from src/.',
      severity: 'error',
      from: { path: '^src/infrastructure/embedded-esdb/' },
      to: { path: '^src/', pathNot: '^src/infrastructure/embedded-esdb/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'contexts/*/domain imports only shared/domain and its own domain folder.',
      severity: 'error',
      from: { path: '^src/contexts/([^/]+)/domain/' },
      to: { path: '^src/', pathNot: ['^src/shared/domain/', '^src/contexts/$1/domain/'] },
    },
    {
      name: 'domain-has-no-framework',
      comment: 'Deciders know nothing of NestJS or the event store client.',
      severity: 'error',
      from: { path: '^src/(contexts/[^/]+/domain|shared/domain)/' },
      to: { path: 'node_modules/(@nestjs|@eventstore|kysely|better-sqlite3|pg)/' },
    },
    {
      name: 'infrastructure-and-shared-know-no-context',
      comment: 'Contexts register with infrastructure; infrastructure never imports a context or the live feed.',
      severity: 'error',
      from: { path: '^src/(infrastructure|shared)/' },
      to: { path: '^src/(contexts|live)/' },
    },
    {
      name: 'contexts-meet-through-index',
      comment: 'A context imports another only through its index.ts.',
      severity: 'error',
      from: { path: '^src/contexts/([^/]+)/' },
      to: { path: '^src/contexts/([^/]+)/', pathNot: ['^src/contexts/$1/', '^src/contexts/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
  },
};
