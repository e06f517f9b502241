// The plugin under Node.js through jco, for scripts/conformance.sh.
//
//   node run.mjs transpile COMPONENT.wasm OUT_DIR [NAME]
//                                                 jco-transpile the component into
//                                                 OUT_DIR (as NAME.js; `plugin` unless given)
//   node run.mjs serve OUT_DIR PORT               serve the transpiled HTTP face (`face`)
//                                                 on 127.0.0.1:PORT with the shim's HTTP
//                                                 server, until killed
//   node run.mjs call OUT_DIR CASES.tsv RESULTS MANIFEST.json
//                                                 run every case (id<TAB>action<TAB>json),
//                                                 writing RESULTS/<id>.json (card JSON);
//                                                 MANIFEST.json (`heygen-host tools`) says
//                                                 which arguments are enums
//
// The component reads HEYGEN_* through wasi:cli/environment, which the
// preview2-shim fills from this process's environment. The shim's outgoing
// HTTP has no allow-list and a 600 s default timeout: the plugin's own
// HEYGEN_TIMEOUT_MS budget is what bounds a call.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [mode, ...args] = process.argv.slice(2);

const camel = (s) => s.replace(/[-_]([a-z])/g, (_, c) => c.toUpperCase());
const snake = (s) => s.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());

// Card JSON -> the JS values jco expects: camelCase fields, `undefined` for
// an absent option, enum cases as their WIT (kebab-case) names, JSON-object
// text as text, text that JSON callers may give as a number as text.
function toJs(args, schema) {
  const out = {};
  for (const [k, v] of Object.entries(args)) {
    if (v === null) continue;
    const type = JSON.stringify(schema.properties[k]?.type);
    let value = v;
    if (schema.properties[k]?.enum) value = v.replaceAll("_", "-");
    else if (type === '["object","string"]' && typeof v !== "string") value = JSON.stringify(v);
    else if (type === '["string","integer"]') value = String(v);
    out[camel(k)] = value;
  }
  return out;
}

// jco's result -> card JSON: snake_case fields, `null` for an absent option.
function toCard(v) {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.map(toCard);
  if (typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [snake(k), toCard(x)]));
  }
  return v;
}

if (mode === "transpile") {
  const [wasm, outDir, name = "plugin"] = args;
  const { transpile, writeFiles } = await import("@bytecodealliance/jco-transpile");
  const { files } = await transpile(resolve(wasm), { name, outDir: resolve(outDir) });
  await writeFiles(files);
  // The generated ES module needs "type": "module" to load in Node.
  writeFileSync(join(outDir, "package.json"), '{"type": "module"}\n');
} else if (mode === "serve") {
  const [outDir, port] = args;
  const face = await import(pathToFileURL(join(resolve(outDir), "face.js")).href);
  const { HTTPServer } = await import("@bytecodealliance/preview2-shim/http");
  new HTTPServer(face.incomingHandler).listen(Number(port), "127.0.0.1");
} else if (mode === "call") {
  const [outDir, casesFile, results, manifestFile] = args;
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
  const schemas = Object.fromEntries(manifest.actions.map((a) => [a.name, a.input_schema]));
  const plugin = await import(pathToFileURL(join(resolve(outDir), "plugin.js")).href);
  const actions = plugin.actions ?? plugin["modulex:heygen/actions@0.1.0"];
  mkdirSync(results, { recursive: true });
  for (const line of readFileSync(casesFile, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const [id, action, json] = line.split("\t");
    const fn = actions[camel(action)];
    const input = JSON.parse(json);
    const output = fn.length === 0 ? fn() : fn(toJs(input, schemas[action]));
    writeFileSync(join(results, id + ".json"), JSON.stringify(toCard(output), null, 2) + "\n");
  }
} else {
  console.error("usage: node run.mjs transpile PLUGIN.wasm OUT_DIR | call OUT_DIR CASES.tsv RESULTS MANIFEST.json");
  process.exit(2);
}
