// Builds chosen sections of electron.vite.config.ts with electron-vite. electron-vite builds every section a
// config file names, so this writes a small config that re-exports only the wanted ones (optionally with the
// output redirected). The file must live inside the repo so its imports resolve from node_modules.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build } from 'electron-vite';

export type Section = 'main' | 'preload' | 'renderer';

/** `workDir` is inside the repo (test-results/...); `outRoot` redirects each section to `<outRoot>/<section>`. */
export async function buildSections(sections: Section[], workDir: string, outRoot?: string): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  const configPath = join(process.cwd(), 'electron.vite.config');
  const file = join(workDir, `sections-${sections.join('-')}.config.ts`);
  const entries = sections.map((s) => {
    const outDir = outRoot ? `, outDir: ${JSON.stringify(join(outRoot, s))}` : '';
    return `  ${s}: { ...full.${s}, build: { ...full.${s}?.build${outDir} } },`;
  });
  writeFileSync(
    file,
    [
      `import config from ${JSON.stringify(`./${relative(workDir, configPath).split('\\').join('/')}`)};`,
      'const full = config as Record<string, { build?: object }>;',
      'export default {',
      ...entries,
      '};',
    ].join('\n'),
  );
  await build({ configFile: file, logLevel: 'silent' });
}
