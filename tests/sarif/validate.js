// validate.js - validates SARIF files against the SARIF 2.1.0 JSON schema (draft-04) that
// Microsoft publishes in @microsoft/jest-sarif, with ajv 6. tests/test_report_sarif.c runs it.
// usage: node validate.js FILE.sarif...   exit 0 when every file is valid.
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv = require('ajv');

const schemaFile = path.join(__dirname, 'node_modules', '@microsoft', 'jest-sarif', 'lib',
  'schemas', 'sarif-2.1.0-rtm.5.json');
const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
if (!/2\.1\.0/.test(schema.title)) {
  console.error('unexpected schema: ' + schema.title);
  process.exit(2);
}
const ajv = new Ajv({ schemaId: 'auto', allErrors: true, format: 'full' });
ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
const validate = ajv.compile(schema);

let bad = 0;
for (const file of process.argv.slice(2)) {
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (validate(log)) {
    console.log(file + ': valid SARIF 2.1.0 (' + log.runs[0].results.length + ' results)');
  } else {
    bad++;
    console.error(file + ': INVALID');
    for (const e of validate.errors) console.error('  ' + e.dataPath + ' ' + e.message);
  }
}
process.exit(bad ? 1 : process.argv.length > 2 ? 0 : 2);
