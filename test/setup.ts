/**
 * Preloaded by `bun test` (bunfig.toml). No global module mocks here — tests inject fakes from
 * test/fakes. We only make sure nothing in a test run inherits a developer's nanofaas settings.
 */
for (const name of Object.keys(process.env)) {
  if (name.startsWith("NANOFAAS_") || name.startsWith("SYNC_QUEUE_")) delete process.env[name];
}
