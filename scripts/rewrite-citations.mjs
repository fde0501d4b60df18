#!/usr/bin/env node
// Rewrites code comments that cite documents outside the repository ("SPEC §2.2", "表6") into
// references to docs/contract.md, which restates those documents in the project's own words.
//
//   node scripts/rewrite-citations.mjs [--write] [--tsv FILE] [PATH…]   (default PATHs: apps libs test scripts)
//
// Without --write it changes nothing and prints one TSV row per citation found (file, line, old
// citation text, new reference). Only comments are rewritten: a citation inside a string (a test's
// name, a description served in the OpenAPI document) is reported as kept, because test names and
// wire text must not change. Rerunnable: a rewritten comment has no citation left.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONTRACT = 'docs/contract.md';

/** Section N of the product brief → anchor of docs/contract.md. */
export const SPEC_ANCHORS = {
  1: 'platform-shape',
  2: 'sdk-apis',
  2.1: 'image-captcha',
  2.2: 'sms-verification-code',
  3: 'voice-verification-call',
  3.1: 'the-call',
  3.2: 'notifications',
  4: 'operating-the-platform',
  5: 'configuration-names',
};

/**
 * Table N of the Huawei documents → anchor. In the code 表2 is only ever the SMS document's
 * request body; 表4–表6 are the voice document's (body, response, result codes).
 */
export const TABLE_ANCHORS = {
  2: 'sms-request-body',
  3: 'callverify-authentication',
  4: 'callverify-request-body',
  5: 'callverify-response',
  6: 'result-codes-callverify',
};

// "SPEC §2.1", "SPEC §2.1/§2.2", "SPEC §3.2 as extended…"; and "表6".
const SPEC = /SPEC §(\d+(?:\.\d+)?)((?:\s*\/\s*§\d+(?:\.\d+)?)*)/g;
const TABLE = /表(\d+)/g;

function anchorOf(kind, number) {
  const anchor = (kind === 'spec' ? SPEC_ANCHORS : TABLE_ANCHORS)[number];
  if (!anchor) throw new Error(`no docs/contract.md anchor for ${kind === 'spec' ? `SPEC §${number}` : `表${number}`}`);
  return anchor;
}

function specReference(first, rest) {
  const more = [...rest.matchAll(/§(\d+(?:\.\d+)?)/g)].map((m) => `#${anchorOf('spec', m[1])}`);
  return [`${CONTRACT}#${anchorOf('spec', first)}`, ...more].join(', ');
}

function tableReference(number) {
  return `table ${number} (${CONTRACT}#${anchorOf('table', number)})`;
}

/** Index where the line's comment starts (outside string literals), or -1 when it has none. */
export function commentStart(line, inBlockComment) {
  if (inBlockComment) return 0;
  const trimmed = line.trimStart();
  if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//'))
    return line.length - trimmed.length;
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '/' && (line[i + 1] === '/' || line[i + 1] === '*')) return i;
  }
  return -1;
}

/** Citations of one file's text: [{line, old, replacement, kept}] and the rewritten text. */
export function rewriteText(text) {
  const found = [];
  let inBlock = false;
  const lines = text.split('\n').map((line, index) => {
    const start = commentStart(line, inBlock);
    // A line ends inside a block comment when its last `/*` is not closed, or it continues one.
    const nextInBlock = line.lastIndexOf('/*') > line.lastIndexOf('*/') || (inBlock && !line.includes('*/'));
    const head = start < 0 ? line : line.slice(0, start);
    const comment = start < 0 ? '' : line.slice(start);
    for (const m of head.matchAll(SPEC))
      found.push({
        line: index + 1,
        old: m[0],
        replacement: 'kept: inside code or a string (test name or wire text)',
        kept: true,
      });
    for (const m of head.matchAll(TABLE))
      found.push({
        line: index + 1,
        old: m[0],
        replacement: 'kept: inside code or a string (test name or wire text)',
        kept: true,
      });
    const rewritten = comment
      .replace(SPEC, (old, first, rest) => {
        const replacement = specReference(first, rest);
        found.push({ line: index + 1, old, replacement, kept: false });
        return replacement;
      })
      .replace(TABLE, (old, number) => {
        const replacement = tableReference(number);
        found.push({ line: index + 1, old, replacement, kept: false });
        return replacement;
      });
    inBlock = nextInBlock;
    return head + rewritten;
  });
  return { found, text: lines.join('\n') };
}

function* sourceFiles(path) {
  const full = join(root, path);
  if (statSync(full).isDirectory()) {
    for (const name of readdirSync(full).sort()) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
      yield* sourceFiles(join(path, name));
    }
  } else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(path) && !path.endsWith('rewrite-citations.mjs')) yield path;
}

function checkAnchors() {
  const contract = readFileSync(join(root, CONTRACT), 'utf8');
  for (const anchor of [...Object.values(SPEC_ANCHORS), ...Object.values(TABLE_ANCHORS)]) {
    if (!contract.includes(`<a id="${anchor}"></a>`)) throw new Error(`${CONTRACT} has no anchor "${anchor}"`);
  }
}

function main(argv) {
  const write = argv.includes('--write');
  const tsvAt = argv.indexOf('--tsv');
  const tsvFile = tsvAt >= 0 ? argv[tsvAt + 1] : null;
  const paths = argv.filter((arg, i) => !arg.startsWith('--') && (tsvAt < 0 || i !== tsvAt + 1));
  checkAnchors();
  const rows = [['file', 'line', 'old citation', 'new reference'].join('\t')];
  for (const path of paths.length ? paths : ['apps', 'libs', 'test', 'scripts']) {
    for (const file of sourceFiles(relative(root, join(root, path)))) {
      const before = readFileSync(join(root, file), 'utf8');
      const { found, text } = rewriteText(before);
      for (const f of found) rows.push([file, f.line, f.old, f.replacement].join('\t'));
      if (write && text !== before) writeFileSync(join(root, file), text);
    }
  }
  const tsv = rows.join('\n') + '\n';
  if (tsvFile) writeFileSync(tsvFile, tsv);
  else process.stdout.write(tsv);
  process.stderr.write(
    `${rows.length - 1} citations${write ? ' (comments rewritten)' : ' (dry run; --write rewrites the comments)'}\n`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv.slice(2));
