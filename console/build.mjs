// Builds the console into dist/: index.html and content-hashed assets, so that the service can
// cache assets for a year and never index.html. Run by the .NET build of ErsouIntel.Api (the
// target BuildConsole); `npm run build` does the same by hand.
import * as esbuild from 'esbuild';
import { readFile, writeFile, rm, mkdir } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';

const out = 'dist';
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

const result = await esbuild.build({
  entryPoints: ['src/main.jsx', 'src/console.css'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // The console sends the contract's own operations (contract/operations/*.graphql) where they exist.
  loader: { '.graphql': 'text' },
  outdir: path.join(out, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'external',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs);
const asset = (ext) => '/' + path.relative(out, outputs.find((o) => o.endsWith(ext) && !o.endsWith('.LEGAL.txt'))).replaceAll(path.sep, '/');
const html = (await readFile('src/index.html', 'utf8'))
  .replace('%SCRIPT%', asset('.js'))
  .replace('%STYLE%', asset('.css'));
await writeFile(path.join(out, 'index.html'), html);

// What a browser downloads, compressed as the service sends it: the budget is 300 KB.
let total = 0;
for (const file of outputs.filter((o) => o.endsWith('.js') || o.endsWith('.css'))) {
  total += gzipSync(await readFile(file), { level: 9 }).length;
}
await writeFile(path.join(out, 'size.json'), JSON.stringify({ gzipBytes: total }) + '\n');
console.log(`console built: ${(total / 1024).toFixed(1)} KB of scripts and styles, gzip`);
