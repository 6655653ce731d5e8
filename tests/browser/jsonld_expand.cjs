// Expands JSON-LD documents with the jsonld.js processor in safe mode, offline.
// stdin: {"contexts": {url: document}, "documents": [document, ...]}
// stdout: {"expanded": [...]} or {"error": message} (exit code 1).
"use strict";
const jsonld = require("jsonld");

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const documentLoader = async (url) => {
    if (!(url in input.contexts)) throw new Error(`no offline copy of ${url}`);
    return { contextUrl: null, documentUrl: url, document: input.contexts[url] };
  };
  const expanded = [];
  for (const document of input.documents) {
    expanded.push(await jsonld.expand(document, { documentLoader, safe: true }));
  }
  process.stdout.write(JSON.stringify({ expanded }));
}

main().catch((error) => {
  process.stdout.write(JSON.stringify({ error: `${error.name}: ${error.message} ${JSON.stringify(error.details || {})}` }));
  process.exit(1);
});
