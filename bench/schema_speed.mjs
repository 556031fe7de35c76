// schema_speed.mjs - ajv 8's side of bench/schema_speed.sh, and the instances both sides validate.
//
//   node schema_speed.mjs prepare WORKDIR
//       writes WORKDIR/small.json (a StartAttachmentUpload success body) and WORKDIR/large.json
//       (GitHub's full-repository example from @octokit/openapi, made valid: see below)
//   node schema_speed.mjs run [--oas30] [--document] FILE POINTER INSTANCE SECONDS
//       compiles the schema once, checks the instance is valid (exit 1 when not), warms up, then
//       validates it for SECONDS and prints "<validations per second> valid".
//
// The schema is the one conform's driver (schema_speed.c) gets from the same arguments:
// without --document the value at POINTER in FILE is a standalone schema; with it, the schema is
// {"$ref": "#POINTER"} resolved inside FILE (an OpenAPI document): for ajv the document's
// components are added once as a schema of their own and the ref points into it.
//
// Fairness: ajv asserts exactly the formats conform asserts (ajv-formats, "full" mode, the
// default); other formats (uri-template) are ignored by both. conform's "x-https" keyword is
// given to ajv as an equally cheap custom keyword. Annotations and OpenAPI extensions (example,
// x-github-*) are ignored (strict: false). ajv's `nullable` is its built-in OpenAPI keyword.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv = require("ajv");
const addFormats = require("ajv-formats");

// The formats conform asserts (harness schema_internal.h, CF_SCHEMA_FORMAT_MAP).
const CONFORM_FORMATS = ["date-time", "date", "time", "duration", "email", "hostname", "ipv4",
  "ipv6", "uri", "uri-reference", "uuid", "json-pointer", "regex", "int32", "int64", "float",
  "double", "byte"];

const GITHUB_DOC = require.resolve("@octokit/openapi/generated/api.github.com.json");

function pointer(doc, ptr) {
  let v = doc;
  for (const raw of ptr.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (v === null || typeof v !== "object" || !(key in v)) throw new Error(`no ${ptr}`);
    v = v[key];
  }
  return v;
}

function prepare(dir) {
  const small = {
    success: true,
    data: {
      id: "att-6f1c2e8a-3b4d-4c5e-9f60-7a8b9c0d1e2f",
      created_at: "2026-11-28T13:24:29.123Z",
      upload_url: "https://conform-mock-uploads.s3.amazonaws.com/att-6f1c2e8a-3b4d-4c5e-9f60-" +
        "7a8b9c0d1e2f?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=CONFORMMOCK%2F20261128" +
        "%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261128T132429Z&X-Amz-Expires=300" +
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=" + "3f9a".repeat(16),
      url_expiry: "2026-11-28T13:29:29.123Z",
      headers_to_include: { "Content-Type": "text/plain", "x-amz-meta-conform": "mock" },
    },
  };
  writeFileSync(join(dir, "small.json"), JSON.stringify(small));

  // GitHub's own example of GET /repos/{owner}/{repo} (about 23 KB). In the pinned
  // @octokit/openapi it lacks the required (nullable) "language" at the top and in "source";
  // both get a value, so the instance is valid and exercises non-null strings there.
  const doc = JSON.parse(readFileSync(GITHUB_DOC, "utf8"));
  const large = structuredClone(
    doc.components.examples["full-repository-default-response"].value);
  for (const repo of [large, large.source, large.parent]) {
    if (repo && typeof repo === "object" && !("language" in repo)) repo.language = "JavaScript";
  }
  writeFileSync(join(dir, "large.json"), JSON.stringify(large));
}

function compile(file, ptr, useDocument) {
  const doc = JSON.parse(readFileSync(file, "utf8"));
  const ajv = new Ajv({ strict: false });
  addFormats(ajv, { formats: CONFORM_FORMATS });
  ajv.addFormat("uri-template", true);
  ajv.addKeyword({
    keyword: "x-https",
    type: "string",
    schemaType: "boolean",
    // conform's rule: an https URI with a non-empty host
    validate: (on, s) => !on || /^https:\/\/([^/?#]*@)?(\[|[^/?#:@])/i.test(s),
  });
  if (!useDocument) return ajv.compile(pointer(doc, ptr));
  ajv.addSchema({ $id: "urn:conform-bench:document", components: doc.components });
  return ajv.compile({ $ref: `urn:conform-bench:document#${ptr}` });
}

function run(args) {
  const useDocument = args.includes("--document");
  const [file, ptr, instanceFile, secondsText] = args.filter((a) => !a.startsWith("--"));
  const seconds = Number(secondsText);
  const validate = compile(file, ptr, useDocument);
  const instance = JSON.parse(readFileSync(instanceFile, "utf8"));
  if (!validate(instance)) {
    console.error(`ajv: the instance is NOT valid: ${JSON.stringify(validate.errors)}`);
    process.exit(1);
  }
  // Warm-up lets V8 optimise the generated validator before the clock starts.
  const timed = (limitMs) => {
    let n = 0;
    let ok = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < limitMs) {
      for (let i = 0; i < 256; i++) ok += validate(instance) ? 1 : 0;
      n += 256;
      t = performance.now();
    }
    if (ok !== n) throw new Error("ajv: a validation failed during the run");
    return (n * 1000) / (t - t0);
  };
  timed(Math.min(500, seconds * 250));
  console.log(`${timed(seconds * 1000).toFixed(0)} valid`);
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === "prepare") prepare(rest[0]);
else if (cmd === "run") run(rest);
else {
  console.error("usage: schema_speed.mjs prepare DIR | run [--document] FILE POINTER INSTANCE S");
  process.exit(2);
}
