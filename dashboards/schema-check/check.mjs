// Type-checks every dashboard JSON in ../json against the Dashboard type Grafana publishes in
// @grafana/schema. Each file becomes an object literal annotated with that type, so TypeScript
// checks required fields, value types and enum values, and (excess property checks) flags keys
// the model does not have. Exit code 1 and one line per error when a file does not conform.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = path.dirname(fileURLToPath(import.meta.url));
const folder = path.resolve(here, process.argv[2] ?? '../json');
const generated = path.join(here, '.generated');
fs.rmSync(generated, { recursive: true, force: true });
fs.mkdirSync(generated);

const files = fs.readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
if (files.length === 0) {
  console.error(`no dashboard JSON in ${folder}`);
  process.exit(1);
}

const sources = new Map();
for (const file of files) {
  const text = fs.readFileSync(path.join(folder, file), 'utf8');
  JSON.parse(text); // a syntax error names the file before TypeScript sees it
  const ts_file = path.join(generated, file.replace(/\.json$/, '.ts'));
  fs.writeFileSync(ts_file, `import type { Dashboard } from '@grafana/schema';\n\nexport const dashboard: Dashboard = ${text};\n`);
  sources.set(ts_file, file);
}

const program = ts.createProgram([...sources.keys()], {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  types: [],
});
// The JSON path of the innermost property or element at a position, e.g. panels[3].gridPos.h.
function pathAt(sourceFile, position) {
  const path = [];
  let node = sourceFile.statements.find((s) => ts.isVariableStatement(s))?.declarationList.declarations[0].initializer;
  while (node) {
    let next;
    if (ts.isObjectLiteralExpression(node)) {
      const property = node.properties.find((p) => p.getStart(sourceFile) <= position && position < p.getEnd());
      if (property && ts.isPropertyAssignment(property)) {
        path.push((path.length ? '.' : '') + property.name.getText(sourceFile).replace(/^"|"$/g, ''));
        next = property.getStart(sourceFile) === position ? undefined : property.initializer;
      }
    } else if (ts.isArrayLiteralExpression(node)) {
      const index = node.elements.findIndex((e) => e.getStart(sourceFile) <= position && position < e.getEnd());
      if (index >= 0) {
        path.push(`[${index}]`);
        next = node.elements[index];
      }
    }
    node = next;
  }
  return path.join('') || '(dashboard)';
}

const diagnostics = ts.getPreEmitDiagnostics(program);
for (const d of diagnostics) {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n  ');
  if (d.file) {
    const { line } = d.file.getLineAndCharacterOfPosition(d.start ?? 0);
    // The generated file's line 3 is the JSON's line 1.
    console.error(`${sources.get(d.file.fileName) ?? d.file.fileName}:${line - 1}: ${pathAt(d.file, d.start ?? 0)}: ${message}`);
  } else {
    console.error(message);
  }
}
if (diagnostics.length > 0) {
  process.exit(1);
}
console.log(`${files.length} dashboards conform to @grafana/schema Dashboard: ${files.join(', ')}`);
